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
    /// Temperature dependence of the dielectric properties (water loss near 100 C); nil
    /// keeps the 37 C values (the default).
    public var waterLoss: MicrowaveWaterLoss?
    /// Water vaporization near 100 C (`TissueVaporization`): latent heat sink and water loss.
    public var vaporization: Bool

    public init(absorbedPower: Double, frequency: Double, antenna: MicrowaveAntenna? = nil, waterLoss: MicrowaveWaterLoss? = nil,
                vaporization: Bool = false) {
        self.absorbedPower = absorbedPower; self.frequency = frequency; self.antenna = antenna; self.waterLoss = waterLoss
        self.vaporization = vaporization
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
        try waterLoss?.validate()
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
    ///   - shaft: the shaft's voxels when the caller has them already (placement checks them
    ///     against the anatomy first; `applicator.voxels(in:)` on this grid), so the voxels
    ///     checked are the voxels painted; nil rasterizes here.
    ///   - name: channel name (also names the shaft material).
    public static func install(applicator: ApplicatorAxis, shaft given: [Int]? = nil, settings: MicrowaveSettings,
                               into model: inout ThermalModel, name: String = "microwave") throws -> MicrowaveSource {
        var antenna = try settings.validate()
        antenna.shaftRadius = applicator.radius
        let shaft = try given ?? applicator.voxels(in: model.grid, context: "microwave antenna '\(name)'")
        let material = try model.addMaterial(.cooledSurface(name: "\(name)_shaft", filmCoefficient: antenna.coolantFilmCoefficient))
        model.paint(shaft, material: material)
        let source = MicrowaveSource(name: name, applicator: applicator, antenna: antenna, power: settings.absorbedPower,
                                     shaftMaterial: material, shaftVoxels: shaft, waterLoss: settings.waterLoss)
        source.vaporization = settings.vaporization
        return source
    }
}

/// Heat source of one interstitial microwave antenna: the normalized SAR pattern of
/// `MicrowaveAntenna` times the absorbed power, and the cooled shaft held at the coolant
/// temperature.
public final class MicrowaveSource: HeatSource, BoundaryCondition {
    public let name: String
    public let applicator: ApplicatorAxis
    public let antenna: MicrowaveAntenna
    /// Set absorbed power [W].
    public let power: Double
    public let shaftMaterial: Int
    public var powerFactor: Double = 1
    /// Energy deposited so far [J].
    public internal(set) var energy: Double = 0
    /// Water-loss model, nil when off.
    public let waterLoss: MicrowaveWaterLoss?
    private let shaftVoxels: [Int]
    /// The normalized pattern; nil until the first update and after a checkpoint restore.
    var pattern: VoxelPattern?
    private var shaftIndices: [Int] = []
    /// Attenuation ratios alpha(T)/alpha(37 C) the current pattern was computed with (padded
    /// index -> ratio; voxels not listed: 1). Empty without water loss.
    var attenuationRatios: [Int: Double] = [:]
    /// Simulated time of the last water-loss check [s].
    var lastWaterLossCheck = -Double.infinity
    /// Per material code: (eps_r, sigma) at the antenna frequency, for the water-loss ratios.
    private var dielectric: [(epsR: Double, sigma: Double)?] = []

    /// Boiling of tissue water on the pattern's box (`MicrowaveSettings.vaporization`).
    var vaporization = false
    var vaporizer: TissueVaporization?
    /// Latent heat per box voxel read from a checkpoint, installed with the vaporizer.
    var restoredLatent: [Float]?
    /// The pattern's box (first and last voxel).
    var patternBox: (lo: SIMD3<Int>, hi: SIMD3<Int>)?

    public var statistics: [String: Double] { vaporizer?.statistics(prefix: "microwave") ?? [:] }

    /// Voxels whose attenuation the current pattern has lowered by water loss.
    public var desiccatedVoxelCount: Int { attenuationRatios.count }

    init(name: String, applicator: ApplicatorAxis, antenna: MicrowaveAntenna, power: Double, shaftMaterial: Int, shaftVoxels: [Int],
         waterLoss: MicrowaveWaterLoss? = nil) {
        self.name = name; self.applicator = applicator; self.antenna = antenna; self.power = power
        self.shaftMaterial = shaftMaterial; self.shaftVoxels = shaftVoxels; self.waterLoss = waterLoss
    }

    /// Computes the pattern from the solver's final materials (again after a restore).
    public func bind(to solver: PennesSolver<Float>) throws {
        if pattern == nil { try prepare(grid: solver.grid, materials: solver.materials, codes: solver.codes) }
    }

    /// The water-cooled shaft held at the coolant temperature.
    public func hold(solver: PennesSolver<Float>, time: Double) throws {
        let t = solver.temperature.base, coolant = Float(antenna.coolantTemperature)
        for i in shaftIndices { t[i] = coolant }
    }

    public func addHeat(solver: PennesSolver<Float>, time: Double) throws {
        if vaporization, let box = patternBox {
            if vaporizer == nil {
                vaporizer = TissueVaporization(grid: solver.grid, materials: solver.materials, codes: solver.codes, box: box)
                vaporizer!.install(restored: restoredLatent)
                restoredLatent = nil
            }
            // The heat the last step put above the boiling point boils water first.
            vaporizer!.applyUnlessIdle(solver: solver, emitting: power * min(max(powerFactor, 0), 1) > 0)
        }
        let p = power * min(max(powerFactor, 0), 1)
        // Water loss: checked only while power flows (with the interlock's cut nothing is
        // deposited, so the pattern need not follow the cooling tissue until power returns).
        if let wl = waterLoss, p > 0, time - lastWaterLossCheck >= wl.checkInterval {
            lastWaterLossCheck = time
            if updateAttenuationRatios(temperature: solver.temperature, codes: solver.codes, model: wl) {
                try prepare(grid: solver.grid, materials: solver.materials, codes: solver.codes)
            }
        }
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

    /// Compares the water-loss attenuation ratios at the current temperatures with those of
    /// the pattern; when any pattern voxel's ratio moved by more than the tolerance, takes
    /// the new ratios (of every pattern voxel) and returns true (the pattern must be rebuilt).
    /// Below T_m - 12 w the ratio is taken as exactly 1 (it differs from 1 by < 1e-5 there).
    func updateAttenuationRatios(temperature: Field3D<Float>, codes: Field3D<UInt8>, model wl: MicrowaveWaterLoss) -> Bool {
        guard let pattern else { return false }
        let t = temperature.base, c = codes.base, f = antenna.frequency
        let cold = wl.midpoint - 12 * wl.width
        var next: [Int: Double] = [:]
        var changed = false
        for i in pattern.indices {
            let ti = Double(t[i])
            var ratio = 1.0
            if ti > cold, let d = dielectric[Int(c[i])] {
                ratio = wl.attenuationRatio(epsR: d.epsR, sigma: d.sigma, frequency: f, at: ti)
            }
            if ratio != 1 { next[i] = ratio }
            if abs(ratio - (attenuationRatios[i] ?? 1)) > wl.tolerance { changed = true }
        }
        if changed { attenuationRatios = next }
        return changed
    }

    /// Computes the normalized pattern from the solver's materials and codes and the current
    /// water-loss ratios (at the first update, and whenever the ratios change).
    func prepare(grid: Grid3D, materials: [ThermalMaterial], codes: Field3D<UInt8>) throws {
        var alpha = [Double](repeating: 0, count: MaterialCode.count)
        var isTissue = [Bool](repeating: false, count: MaterialCode.count)
        dielectric = [(epsR: Double, sigma: Double)?](repeating: nil, count: MaterialCode.count)
        for (m, material) in materials.enumerated() {
            guard let t = material.tissue else { continue }
            let a = try t.microwaveAttenuation(frequency: antenna.frequency)
            let d = abs(antenna.frequency - 915e6) < 1 ? (t.epsR915, t.sigma915) : (t.epsR2450, t.sigma2450)
            for c in [m, m | Int(MaterialCode.coagulated)] { alpha[c] = a; isTissue[c] = true; dielectric[c] = d }
        }
        var ratioField: [Double]? = nil
        if !attenuationRatios.isEmpty {
            var r = [Double](repeating: 1, count: codes.buffer.count)
            for (i, v) in attenuationRatios { r[i] = v }
            ratioField = r
        }
        let path = PathAttenuation(grid: grid, codes: codes, perCode: alpha,
                                   ignoring: Set((0..<MaterialCode.count).filter { !isTissue[$0] }), perVoxel: ratioField)
        let (front, back) = antenna.axialExtentBehindTip
        let ends = [applicator.point(behindTip: front), applicator.point(behindTip: min(back, applicator.insertedLength))]
        var indices: [Int] = [], values: [Double] = []
        let rho0 = antenna.shaftRadius, rMax = antenna.patternRadius
        patternBox = grid.voxelBox(around: ends, radius: rMax)
        if let box = patternBox {
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
                        let pidx = codes.index(i, j, k)
                        // Local absorption follows the local attenuation: q ~ 2 alpha(T) S.
                        let v = envelope * rho0 / max(rho, rho0) * exp(-2 * tau) * (ratioField?[pidx] ?? 1)
                        guard v > 1e-12 else { continue }
                        indices.append(pidx)
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
