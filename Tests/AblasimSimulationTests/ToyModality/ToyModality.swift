import AblasimCore
import AblasimPhantom
import AblasimPhysics
import AblasimSimulation

// A plug-in modality as a test adds one: this folder and one `ModalityRegistry.register`
// line, through the public API only (no @testable import here).

extension ModalityName {
    static let toy: ModalityName = "toy"
}

/// A ball of uniform heating at the phantom's tumour centre: the least a modality needs
/// (parameters, a flag, a power key, a checkpointable heat source).
struct ToyModality: Modality {
    var name: ModalityName { .toy }
    var parameters: [ScenarioParameter] {
        [.setting("toy.power_w", .number(0.1...50, unit: "W"), default: .number(2), doc: "Heating power of the ball.", source: "test value"),
         .setting("toy.radius_mm", .number(1...20, unit: "mm"), default: .number(4), doc: "Radius of the heated ball.", source: "test value")]
    }
    var flags: [ModalityFlag] { [ModalityFlag(name: "toy", help: "Toy ball heater (tests only).", settings: [.init("modality", "toy")])] }
    var powerKey: String? { "toy.power_w" }

    func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation {
        let s = placement.scenario, g = model.grid
        guard let centre = placement.phantom.landmarks.tumorCenter else {
            throw SimulationError.invalidInput("toy modality: phantom '\(placement.phantom.name)' has no tumour centre")
        }
        let power = s.setting("toy.power_w")!.number!, radius = s.setting("toy.radius_mm")!.number! / 1000
        var ball: [SIMD3<Int>] = []
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let d = g.world(SIMD3(Double(i), Double(j), Double(k))) - centre
            if (d * d).sum() <= radius * radius { ball.append(SIMD3(i, j, k)) }
        } } }
        guard !ball.isEmpty else { throw SimulationError.invalidInput("toy modality: no voxel within \(radius * 1000) mm of the tumour centre") }
        let heater = ToyHeater(power: power, voxels: ball, voxelVolume: g.voxelVolume)
        let c = [centre.x * 1000, centre.y * 1000, centre.z * 1000]
        return ModalityInstallation(sources: [heater], probes: [RunSummary.Probe(name: "ball", channel: heater.name, tipMm: c, entryMm: c, energyJ: 0)],
                                    tips: [g.index(centre)], duration: s.durationS)
    }
}

/// Q = P / (N V) in each of the ball's N voxels of volume V, gated by the interlock.
final class ToyHeater: HeatSource {
    let name = "toy"
    var powerFactor = 1.0
    let power: Double
    let voxels: [SIMD3<Int>]
    let density: Float
    private(set) var energy = 0.0

    init(power: Double, voxels: [SIMD3<Int>], voxelVolume: Double) {
        self.power = power; self.voxels = voxels
        density = Float(power / (Double(voxels.count) * voxelVolume))
    }

    /// The ball was chosen at install; nothing to take from the solver.
    func bind(to solver: PennesSolver<Float>) throws {}

    func addHeat(solver: PennesSolver<Float>, time: Double) throws {
        let f = min(max(powerFactor, 0), 1)
        let q = solver.source, d = density * Float(f)
        for v in voxels { q[v.x, v.y, v.z] += d }
        energy += power * f * solver.dt
    }

    func channelSamples() -> [ChannelSample] { [ChannelSample(channel: name, power: power * min(max(powerFactor, 0), 1), energy: energy)] }

    func saveState(to w: inout StateWriter) { w.tag("toy"); w.write(energy); w.write(powerFactor) }
    func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "toy")
        energy = try r.readDouble(); powerFactor = try r.readDouble()
    }
}
