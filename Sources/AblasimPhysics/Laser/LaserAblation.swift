import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AblasimCore

/// Protocol settings of a laser interstitial thermal therapy (SI except the wavelength).
public struct LaserSettings: Equatable, Sendable {
    /// Emitted power [W], valid (0, 30] W (interstitial diode lasers: a few W; diffusing tips up to ~30 W).
    public var power: Double
    /// Wavelength [nm], 805-1064 (the range the tissue optics are tabulated for).
    public var wavelength: Double
    /// Stop once this energy has been delivered [J]; nil runs until the simulation ends.
    public var energyLimit: Double?
    /// Emitting length of a diffusing tip [m]; 0 for a bare (flat-cleaved) fibre.
    public var diffusingLength: Double
    /// Charring: tissue that reached `charTemperature` absorbs `charringAbsorptionFactor`
    /// times more (carbonized tissue is nearly black), irreversibly; the fluence is
    /// recomputed as the char grows.
    public var charring: Bool
    /// mu_a multiplier of charred tissue (estimate: carbonization raises absorption by about
    /// an order of magnitude in the near infrared).
    public var charringAbsorptionFactor: Double
    /// Temperature above which tissue carbonizes [C]: 150 C, the onset of carbonization in
    /// the table of thermal effects of Niemz, Laser-Tissue Interactions (Springer), Table 3.5
    /// (vaporization at 100 C, carbonization above 150 C). With vaporization on, tissue
    /// reaches it only once its water is gone.
    public var charTemperature: Double
    /// Precharred fibre: the tip is carbonized before the treatment, so the tissue voxels
    /// between the fibre tip and its virtual source are char from the start (implies charring).
    public var precharred: Bool
    /// Water vaporization near 100 C (`TissueVaporization`): latent heat sink and water loss.
    public var vaporization: Bool
    /// Radius around the fibre beyond which the fluence is taken as zero [m].
    public var patternRadius: Double

    public static let maximumPower = 30.0
    /// Carbonization onset [C] (Niemz, Laser-Tissue Interactions, Table 3.5).
    public static let carbonizationOnset = 150.0

    public init(power: Double, wavelength: Double, energyLimit: Double? = nil, diffusingLength: Double = 0,
                charring: Bool = false, charringAbsorptionFactor: Double = 10, charTemperature: Double = LaserSettings.carbonizationOnset,
                precharred: Bool = false, vaporization: Bool = false, patternRadius: Double = 0.03) {
        self.power = power; self.wavelength = wavelength; self.energyLimit = energyLimit
        self.diffusingLength = diffusingLength; self.charring = charring || precharred
        self.charringAbsorptionFactor = charringAbsorptionFactor; self.charTemperature = charTemperature
        self.precharred = precharred; self.vaporization = vaporization; self.patternRadius = patternRadius
    }

    func validate() throws {
        guard power.isFinite, power > 0, power <= LaserSettings.maximumPower else {
            throw PhysicsError.invalidInput(String(format: "laser power %g W is out of range; valid: (0, %g] W emitted power", power, LaserSettings.maximumPower))
        }
        try TissueOptics.validate(wavelength: wavelength)
        if let e = energyLimit, !(e.isFinite && e > 0) {
            throw PhysicsError.invalidInput("laser energy limit \(e) J is not valid; it must be finite and > 0 (or none)")
        }
        guard diffusingLength.isFinite, diffusingLength >= 0, diffusingLength <= 0.05 else {
            throw PhysicsError.invalidInput(String(format: "laser diffusing length %.4g mm is not valid; expected 0 (bare fibre) to 50 mm", diffusingLength * 1000))
        }
        guard charringAbsorptionFactor.isFinite, charringAbsorptionFactor >= 1 else {
            throw PhysicsError.invalidInput("laser charring absorption factor \(charringAbsorptionFactor) must be finite and >= 1")
        }
        guard charTemperature.isFinite, charTemperature > 100, charTemperature < 1000 else {
            throw PhysicsError.invalidInput("laser char temperature \(charTemperature) C is not valid; expected (100, 1000) C (tissue chars once dry, above the boiling point)")
        }
        guard !(precharred && diffusingLength > 0) else {
            throw PhysicsError.invalidInput("a laser fibre is either precharred (bare tip, carbonized) or a diffusing tip, not both")
        }
        guard patternRadius.isFinite, patternRadius > 0 else {
            throw PhysicsError.invalidInput("laser pattern radius \(patternRadius * 1000) mm must be finite and > 0")
        }
    }
}

/// Installs a laser fibre into a thermal model.
public enum LaserAblation {
    /// Returns the laser heat source. A 400 um fibre is sub-voxel and needs no painted
    /// surface, so the model is only checked (the fibre tip must lie in the grid). The
    /// fluence is computed from the solver's final materials at the first `update`.
    public static func install(fibre: ApplicatorAxis, settings: LaserSettings,
                               into model: inout ThermalModel, name: String = "laser") throws -> LaserSource {
        try settings.validate()
        guard model.grid.contains(index: model.grid.index(fibre.tip)) else {
            throw PhysicsError.invalidInput("laser fibre '\(name)' tip at \(fibre.tip * 1000) mm lies outside the grid")
        }
        return LaserSource(name: name, fibre: fibre, settings: settings)
    }
}

/// Laser fibre as a heat source in the diffusion approximation.
///
/// The emitting part is N isotropic point sources of power P/N: one for a bare fibre, placed
/// one transport mean free path 1/(mu_a + mu_s') ahead of the tip (the usual replacement of a
/// collimated beam by an isotropic source at that depth), or N spaced at most one voxel apart
/// along a diffusing tip. Fluence and heat:
///
///   Phi(x) = sum_i (P/N) exp(-tau_i(x)) / (4 pi D r_i)   [W/m^2],   Q(x) = mu_a(x) Phi(x)   [W/m^3]
///
/// with r_i the distance to source i [m], D = 1/(3 (mu_a + mu_s')) [m] of the tissue at the
/// source, and tau_i = integral of mu_eff along the straight path (`PathAttenuation`); in a
/// uniform medium this is the exact point-source solution Phi = P exp(-mu_eff r) / (4 pi D r)
/// (analytic-oracles.md, item 7). The voxel holding a source gets the exact mean over the
/// sphere of equal volume, P [1 - (1 + mu_eff a) exp(-mu_eff a)] / V, instead of the singular
/// centre value.
public final class LaserSource: HeatSource {
    public let name: String
    public let fibre: ApplicatorAxis
    public let settings: LaserSettings
    public var powerFactor: Double = 1
    /// Energy emitted so far [J].
    public internal(set) var energy: Double = 0
    /// Power emitted in the last update [W] (0 once the energy limit is reached).
    public internal(set) var currentPower: Double = 0
    /// Number of charred voxels.
    public private(set) var charredCount = 0
    /// The current pattern; nil until the first update and after a checkpoint restore.
    var pattern: VoxelPattern?
    /// Padded indices of the charred voxels.
    var charred: Set<Int> = []
    /// Simulated time of the last pattern computation [s].
    var lastRecompute = -Double.infinity
    /// Set by a checkpoint restore: the next pattern is rebuilt from the restored char
    /// without counting as a recomputation (the uninterrupted run computed it earlier).
    var patternFromCheckpoint = false
    /// The pattern without char (the char only rescales it), kept so a growing char does
    /// not repeat the path integrals.
    var uncharredPattern: VoxelPattern?
    /// The pattern's box (first and last voxel).
    var patternBox: (lo: SIMD3<Int>, hi: SIMD3<Int>)?
    /// Water vaporization state; nil when off or before the first update.
    var vaporizer: TissueVaporization?
    /// Latent heat per box voxel read from a checkpoint, installed with the vaporizer.
    var restoredLatent: [Float]?
    /// Simulated time the energy limit was reached [s]; nil before.
    public internal(set) var energyLimitReachedAt: Double?

    init(name: String, fibre: ApplicatorAxis, settings: LaserSettings) {
        self.name = name; self.fibre = fibre; self.settings = settings
    }

    /// Computes the fluence from the solver's final materials: before the first step, or
    /// after a restore (rebuilt from the restored char).
    public func bind(to solver: PennesSolver<Float>) throws {
        if pattern == nil {
            // First bind, or the first after a restore (rebuilt from the restored char).
            let fresh = !patternFromCheckpoint
            try prepare(grid: solver.grid, materials: solver.materials, codes: solver.codes)
            if fresh && settings.precharred { try precharTip(grid: solver.grid, codes: solver.codes) }
            if patternFromCheckpoint { patternFromCheckpoint = false } else { lastRecompute = solver.time }
        }
    }

    public func addHeat(solver: PennesSolver<Float>, time: Double) throws {
        if settings.vaporization {
            if vaporizer == nil {
                vaporizer = TissueVaporization(grid: solver.grid, materials: solver.materials, codes: solver.codes, box: patternBox!)
                vaporizer!.install(restored: restoredLatent)
                restoredLatent = nil
            }
            // The heat the last step put above the boiling point boils water first.
            let emitting = powerFactor > 0 && settings.energyLimit.map { energy < $0 } ?? true
            vaporizer!.applyUnlessIdle(solver: solver, emitting: emitting)
        }
        if settings.charring, time - lastRecompute >= 1 {
            // Grow the char: pattern voxels that reached the char temperature.
            let t = solver.temperature.base
            let onset = Float(settings.charTemperature)
            var grew = false
            for i in pattern!.indices where t[i] >= onset && !charred.contains(i) { charred.insert(i); grew = true }
            if grew {
                applyChar()
                lastRecompute = time
            }
        }
        var p = settings.power * min(max(powerFactor, 0), 1)
        if let limit = settings.energyLimit {
            p = min(p, max(0, limit - energy) / solver.dt)
            if energyLimitReachedAt == nil, energy >= limit { energyLimitReachedAt = time }
        }
        currentPower = p
        guard p > 0 else { return }
        pattern!.add(scale: p, into: solver.source)
        energy += p * solver.dt
    }

    /// The energy limit ends the emission before the run ends: reported, never silent.
    public var reportedEvents: [SourceEvent] {
        guard let t = energyLimitReachedAt, let e = settings.energyLimit else { return [] }
        return [SourceEvent(timeS: t, channel: name, kind: String(format: "energy limit %.0f J reached: laser off", e), impedanceOhm: nil)]
    }

    public var statistics: [String: Double] {
        var s = ["laser.charred_voxels": Double(charredCount)]
        if let v = vaporizer { s.merge(v.statistics(prefix: "laser")) { $1 } }
        return s
    }

    public func channelSamples() -> [ChannelSample] {
        [ChannelSample(channel: name, power: currentPower, energy: energy)]
    }

    /// Absorbed power density per watt emitted [1/m^3] at every voxel the light reaches.
    public func unitPattern(grid: Grid3D, materials: [ThermalMaterial], codes: Field3D<UInt8>) throws -> [(index: Int, value: Double)] {
        if pattern == nil { try prepare(grid: grid, materials: materials, codes: codes) }
        return zip(pattern!.indices, pattern!.values).map { ($0, $1) }
    }

    func prepare(grid: Grid3D, materials: [ThermalMaterial], codes: Field3D<UInt8>) throws {
        let n = MaterialCode.count
        var optics = [OpticalProperties?](repeating: nil, count: n)
        for (m, material) in materials.enumerated() {
            guard let t = material.tissue else { continue }
            let o = try TissueOptics.properties(of: t, wavelength: settings.wavelength)
            optics[m] = o; optics[m | Int(MaterialCode.coagulated)] = o
        }
        let muEff = (0..<n).map { optics[$0]?.effectiveAttenuation ?? 0 }
        let path = PathAttenuation(grid: grid, codes: codes, perCode: muEff)
        let tipIndex = pointwiseMin(pointwiseMax(grid.index(fibre.tip).rounded(.toNearestOrAwayFromZero), .zero),
                                    SIMD3(Double(grid.nx - 1), Double(grid.ny - 1), Double(grid.nz - 1)))
        let tipCode = Int(codes[Int(tipIndex.x), Int(tipIndex.y), Int(tipIndex.z)])
        guard let tipOptics = optics[tipCode], tipOptics.absorption > 0 else {
            throw PhysicsError.invalidInput("laser fibre '\(name)': its tip at \(fibre.tip * 1000) mm is not in absorbing tissue (material '\(materials[tipCode & ~Int(MaterialCode.coagulated)].name)')")
        }
        var points: [SIMD3<Double>]
        if settings.diffusingLength > 0 {
            let hMin = min(grid.spacing.x, grid.spacing.y, grid.spacing.z)
            let count = max(1, Int((settings.diffusingLength / hMin).rounded(.up)))
            points = (0..<count).map { fibre.point(behindTip: (Double($0) + 0.5) * settings.diffusingLength / Double(count)) }
        } else {
            points = [fibre.tip + fibre.direction * tipOptics.transportMeanFreePath]
        }
        let share = 1 / Double(points.count)
        let d = tipOptics.diffusionCoefficient
        let v = grid.voxelVolume
        let a = cbrt(3 * v / (4 * Double.pi))  // radius of the sphere of one voxel's volume [m]
        let sourceIndex = points.map { grid.index($0) }
        var indices: [Int] = [], values: [Double] = []
        guard let box = grid.voxelBox(around: points, radius: settings.patternRadius) else {
            throw PhysicsError.invalidInput("laser fibre '\(name)' lies outside the grid")
        }
        patternBox = box
        virtualSources = points
        for k in box.lo.z...box.hi.z {
            for j in box.lo.y...box.hi.y {
                for i in box.lo.x...box.hi.x {
                    let pidx = codes.index(i, j, k)
                    let code = Int(codes.base[pidx])
                    guard let o = optics[code], o.absorption > 0 else { continue }
                    let idx = SIMD3(Double(i), Double(j), Double(k))
                    let x = grid.world(idx)
                    var phi = 0.0
                    var near = false
                    for (s, sIdx) in zip(points, sourceIndex) {
                        let r = ((x - s) * (x - s)).sum().squareRoot()
                        guard r <= settings.patternRadius else { continue }
                        if r < 0.5 * a {
                            // Source inside this voxel: exact sphere mean of mu_a Phi, stored as Phi.
                            let m = tipOptics.effectiveAttenuation
                            let absorbed = share * (1 - (1 + m * a) * exp(-m * a))
                            phi += absorbed / (4.0 / 3.0 * Double.pi * a * a * a) / tipOptics.absorption
                            near = true
                            continue
                        }
                        let tau = path.depth(fromIndex: sIdx, toIndex: idx, length: r)
                        phi += share * exp(-tau) / (4 * Double.pi * d * r)
                    }
                    // Absorption in the source voxel uses the source tissue's mu_a (consistent with the sphere mean).
                    let q = near ? phi * tipOptics.absorption : phi * o.absorption
                    guard q > 0, q.isFinite else { continue }
                    indices.append(pidx)
                    values.append(q)
                }
            }
        }
        guard !values.isEmpty else {
            throw PhysicsError.invalidInput("laser fibre '\(name)': no absorbing tissue voxel within \(settings.patternRadius * 1000) mm")
        }
        uncharredPattern = VoxelPattern(indices: indices, values: values)
        uncharredTotal = values.reduce(0, +)
        applyChar()
    }

    /// The pattern from the uncharred one and the current char. Charred voxels absorb
    /// mu_a * factor. Their shielding is not traced along paths: the fluence is lowered
    /// uniformly so the total absorbed power stays that of the uncharred solution (energy
    /// conservation); see docs/laser.md.
    func applyChar() {
        var values = uncharredPattern!.values
        let indices = uncharredPattern!.indices
        if !charred.isEmpty {
            // The pattern's indices ascend (built plane by plane, row by row), so each
            // charred voxel is found by bisection, not by a set lookup per pattern voxel.
            let factor = settings.charringAbsorptionFactor
            var charredSum = 0.0
            var positions: [Int] = []
            positions.reserveCapacity(charred.count)
            for i in charred.sorted() {
                var lo = 0, hi = indices.count
                while lo < hi { let mid = (lo + hi) / 2; if indices[mid] < i { lo = mid + 1 } else { hi = mid } }
                guard lo < indices.count, indices[lo] == i else { continue }
                positions.append(lo)
                charredSum += values[lo]
            }
            let before = uncharredTotal
            let scale = before / (before + (factor - 1) * charredSum)
            for n in values.indices { values[n] *= scale }
            for n in positions { values[n] *= factor }
        }
        pattern = VoxelPattern(indices: indices, values: values)
        charredCount = charred.count
    }

    /// Sum of the uncharred pattern's values (the total absorbed power per watt, divided by
    /// the voxel volume), which the char keeps.
    var uncharredTotal = 0.0

    /// Virtual source points of the current pattern.
    var virtualSources: [SIMD3<Double>] = []

    /// A precharred tip: the pattern voxels on the segment from the fibre tip to its
    /// virtual source (the carbon layer on the tip and the tissue it touches) start as char.
    func precharTip(grid: Grid3D, codes: Field3D<UInt8>) throws {
        let end = virtualSources.first ?? fibre.tip
        let h = min(grid.spacing.x, grid.spacing.y, grid.spacing.z)
        let steps = max(1, Int((((end - fibre.tip) * (end - fibre.tip)).sum().squareRoot() / (0.5 * h)).rounded(.up)))
        let inPattern = Set(uncharredPattern!.indices)
        for s in 0...steps {
            let x = fibre.tip + (end - fibre.tip) * (Double(s) / Double(steps))
            let v = grid.index(x).rounded(.toNearestOrAwayFromZero)
            guard v.x >= 0, v.y >= 0, v.z >= 0, Int(v.x) < grid.nx, Int(v.y) < grid.ny, Int(v.z) < grid.nz else { continue }
            let p = codes.index(Int(v.x), Int(v.y), Int(v.z))
            if inPattern.contains(p) { charred.insert(p) }
        }
        guard !charred.isEmpty else {
            throw PhysicsError.invalidInput("laser fibre '\(name)': a precharred tip needs absorbing tissue at the tip")
        }
        applyChar()
    }
}
