import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AblasimCore

/// Protocol settings of a microwave ablation (SI).
public struct MicrowaveSettings: Equatable, Sendable {
    /// Absorbed power delivered into tissue [W]: the protocol input. Valid (0, 200] W
    /// (clinical generators deliver up to about 150 W).
    public var absorbedPower: Double
    /// 915e6 or 2450e6 Hz.
    public var frequency: Double
    /// Antenna model; nil takes `MicrowaveAntenna.preset(frequency:)`.
    public var antenna: MicrowaveAntenna?

    public init(absorbedPower: Double, frequency: Double, antenna: MicrowaveAntenna? = nil) {
        self.absorbedPower = absorbedPower; self.frequency = frequency; self.antenna = antenna
    }

    public static let maximumPower = 200.0

    func validate() throws -> MicrowaveAntenna {
        guard absorbedPower.isFinite, absorbedPower > 0, absorbedPower <= MicrowaveSettings.maximumPower else {
            throw PhysicsError.invalidInput(String(format: "microwave power %g W is out of range; valid: (0, %g] W absorbed power", absorbedPower, MicrowaveSettings.maximumPower))
        }
        let a = try antenna ?? MicrowaveAntenna.preset(frequency: frequency)
        guard abs(a.frequency - frequency) < 1 else {
            throw PhysicsError.invalidInput("microwave antenna is built for \(a.frequency / 1e6) MHz but the protocol sets \(frequency / 1e6) MHz")
        }
        try a.validate()
        return a
    }
}

/// Installs microwave antennas into a thermal model.
public enum MicrowaveAblation {
    /// Paints the antenna's water-cooled shaft as a cooled-surface material and returns the
    /// heat source. Call after every change of tissue materials that should shape the
    /// pattern (thermoprotection, overrides) or before: the pattern is computed from the
    /// solver's final materials at the first `update`.
    ///
    /// - Parameters:
    ///   - applicator: antenna axis; its radius is the shaft radius used for painting.
    ///   - name: channel name (also names the shaft material).
    public static func install(applicator: ApplicatorAxis, settings: MicrowaveSettings,
                               into model: inout ThermalModel, name: String = "microwave") throws -> MicrowaveSource {
        var antenna = try settings.validate()
        antenna.shaftRadius = applicator.radius
        let shaft = try applicator.voxels(in: model.grid, context: "microwave antenna '\(name)'")
        let material = try model.addMaterial(.cooledSurface(name: "\(name)_shaft", filmCoefficient: antenna.coolantFilmCoefficient))
        model.paint(shaft, material: material)
        return MicrowaveSource(name: name, applicator: applicator, antenna: antenna, power: settings.absorbedPower,
                               shaftMaterial: material, shaftVoxels: shaft)
    }
}

/// Heat source of one interstitial microwave antenna: the normalized SAR pattern of
/// `MicrowaveAntenna` times the absorbed power, and the cooled shaft held at the coolant
/// temperature.
public final class MicrowaveSource: HeatSource {
    public let name: String
    public let applicator: ApplicatorAxis
    public let antenna: MicrowaveAntenna
    /// Set absorbed power [W].
    public let power: Double
    public let shaftMaterial: Int
    public var powerFactor: Double = 1
    /// Energy deposited so far [J].
    public internal(set) var energy: Double = 0
    private let shaftVoxels: [Int]
    private var pattern: VoxelPattern?
    private var shaftIndices: [Int] = []

    init(name: String, applicator: ApplicatorAxis, antenna: MicrowaveAntenna, power: Double, shaftMaterial: Int, shaftVoxels: [Int]) {
        self.name = name; self.applicator = applicator; self.antenna = antenna; self.power = power
        self.shaftMaterial = shaftMaterial; self.shaftVoxels = shaftVoxels
    }

    public func update(solver: PennesSolver<Float>, time: Double) throws {
        if pattern == nil { try prepare(grid: solver.grid, materials: solver.materials, codes: solver.codes) }
        let t = solver.temperature.base, coolant = Float(antenna.coolantTemperature)
        for i in shaftIndices { t[i] = coolant }
        let p = power * min(max(powerFactor, 0), 1)
        pattern!.add(scale: p, into: solver.source)
        energy += p * solver.dt
    }

    public func channelSamples() -> [ChannelSample] {
        [ChannelSample(channel: name, power: power * min(max(powerFactor, 0), 1), energy: energy)]
    }

    /// Power density per watt of absorbed power [1/m^3] at every voxel the pattern reaches:
    /// sum(value * voxel volume) over the pattern is 1.
    public func unitPattern(grid: Grid3D, materials: [ThermalMaterial], codes: Field3D<UInt8>) throws -> [(index: Int, value: Double)] {
        if pattern == nil { try prepare(grid: grid, materials: materials, codes: codes) }
        return zip(pattern!.indices, pattern!.values).map { ($0, $1) }
    }

    /// Computes the normalized pattern (once, from the solver's materials and codes).
    func prepare(grid: Grid3D, materials: [ThermalMaterial], codes: Field3D<UInt8>) throws {
        var alpha = [Double](repeating: 0, count: MaterialCode.count)
        var isTissue = [Bool](repeating: false, count: MaterialCode.count)
        for (m, material) in materials.enumerated() {
            guard let t = material.tissue else { continue }
            let a = try t.microwaveAttenuation(frequency: antenna.frequency)
            for c in [m, m | Int(MaterialCode.coagulated)] { alpha[c] = a; isTissue[c] = true }
        }
        let path = PathAttenuation(grid: grid, codes: codes, perCode: alpha,
                                   ignoring: Set((0..<MaterialCode.count).filter { !isTissue[$0] }))
        let (front, back) = antenna.axialExtentBehindTip
        let ends = [applicator.point(behindTip: front), applicator.point(behindTip: min(back, applicator.insertedLength))]
        var indices: [Int] = [], values: [Double] = []
        let rho0 = antenna.shaftRadius, rMax = antenna.patternRadius
        if let box = grid.voxelBox(around: ends, radius: rMax) {
            for k in box.lo.z...box.hi.z {
                for j in box.lo.y...box.hi.y {
                    for i in box.lo.x...box.hi.x {
                        let code = Int(codes[i, j, k])
                        guard isTissue[code] else { continue }
                        let idx = SIMD3(Double(i), Double(j), Double(k))
                        let p = grid.world(idx)
                        let s = applicator.axialDistanceBehindTip(p)
                        guard s >= front, s <= back else { continue }
                        let rho = applicator.radialDistance(p)
                        guard rho <= rMax else { continue }
                        let envelope = antenna.axialEnvelope(antenna.feedGapBehindTip - s)
                        guard envelope > 1e-7 else { continue }
                        var tau = 0.0
                        if rho > rho0 {
                            let foot = applicator.point(behindTip: s)
                            let start = foot + (p - foot) * (rho0 / rho)
                            tau = path.depth(fromIndex: grid.index(start), toIndex: idx, length: rho - rho0)
                        }
                        let v = envelope * rho0 / max(rho, rho0) * exp(-2 * tau)
                        guard v > 1e-12 else { continue }
                        indices.append(codes.index(i, j, k))
                        values.append(v)
                    }
                }
            }
        }
        let sum = values.reduce(0, +) * grid.voxelVolume
        guard sum > 0, sum.isFinite else {
            throw PhysicsError.invalidInput("microwave antenna '\(name)': no tissue voxel lies in its radiating zone (tip at \(applicator.tip * 1000) mm); place the antenna in tissue")
        }
        pattern = VoxelPattern(indices: indices, values: values.map { $0 / sum })
        shaftIndices = shaftVoxels.map { codes.paddedIndex(linear: $0) }
    }
}
