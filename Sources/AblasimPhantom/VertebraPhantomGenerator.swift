import AblasimCore
import Foundation

/// The kind of tumour placed in the vertebral body.
public enum TumorKind: String, CaseIterable, Sendable {
    case none, lytic, blastic

    var label: UInt8? {
        switch self {
        case .none: return nil
        case .lytic: return PhantomLabels.tumorLytic
        case .blastic: return PhantomLabels.tumorBlastic
        }
    }
}

/// Options of the anatomical vertebra generator; lengths in millimetres (the user's units).
public struct VertebraPhantomOptions: Sendable, Equatable {
    /// Vertebral level, T10 to L5.
    public var level: String = "L1"
    public var tumor: TumorKind = .lytic
    /// Tumour sphere diameter [mm].
    public var tumorDiameterMm: Double = 14
    /// Shift of the tumour centre from its default position (midline, mid-height, 40 % of
    /// the body depth from the posterior wall) [mm], RAS.
    public var tumorOffsetMm: SIMD3<Double> = .zero
    /// How far the tumour extends through the posterior wall into the anterior epidural
    /// space [mm]; 0 keeps it inside the body. When > 0 the centre moves back so that its
    /// posterior edge lies this far behind the wall.
    public var tumorBreachMm: Double = 0
    /// Isotropic voxel size [mm].
    public var voxelMm: Double = 0.5
    /// Muscle margin around the bone [mm].
    public var marginMm: Double = 3
    /// Phantom name; default "<level>-<tumour>".
    public var name: String?

    public init() {}

    func validate() throws {
        _ = try VertebraMorphometry.level(level)
        guard voxelMm.isFinite, voxelMm >= 0.1, voxelMm <= 5 else {
            throw PhantomError("voxel size \(voxelMm) mm is invalid: use 0.1 to 5 mm")
        }
        guard tumorDiameterMm.isFinite, tumorDiameterMm >= 2, tumorDiameterMm <= 30 else {
            throw PhantomError("tumour diameter \(tumorDiameterMm) mm is invalid: use 2 to 30 mm")
        }
        guard tumorBreachMm.isFinite, tumorBreachMm >= 0, tumorBreachMm <= tumorDiameterMm / 2 else {
            throw PhantomError("tumour breach \(tumorBreachMm) mm is invalid: use 0 up to the tumour radius (\(tumorDiameterMm / 2) mm)")
        }
        guard tumorOffsetMm.x.isFinite, tumorOffsetMm.y.isFinite, tumorOffsetMm.z.isFinite,
              abs(tumorOffsetMm.x) <= 20, abs(tumorOffsetMm.y) <= 20, abs(tumorOffsetMm.z) <= 15 else {
            throw PhantomError("tumour offset \(String(format: "%g, %g, %g", tumorOffsetMm.x, tumorOffsetMm.y, tumorOffsetMm.z)) mm is invalid: at most 20 mm across, 20 mm anteroposterior and 15 mm vertical")
        }
        guard marginMm.isFinite, marginMm >= 0, marginMm <= 30 else {
            throw PhantomError("margin \(marginMm) mm is invalid: use 0 to 30 mm")
        }
    }
}

/// Builds a voxelized vertebra phantom from published morphometry (`VertebraMorphometry`)
/// and the analytic anatomy of `VertebraGeometry`. Deterministic: the same options give
/// the same labels, landmarks and file bytes.
public enum VertebraPhantomGenerator {
    public static func generate(_ options: VertebraPhantomOptions) throws -> Phantom {
        try options.validate()
        let morphometry = try VertebraMorphometry.level(options.level)
        var geometry = VertebraGeometry(morphometry, voxel: options.voxelMm)
        if let label = options.tumor.label {
            let r = options.tumorDiameterMm / 2
            let y = options.tumorBreachMm > 0 ? r - options.tumorBreachMm : 0.4 * morphometry.bodyDepth
            geometry.tumor = (SIMD3(0, y, 0) + options.tumorOffsetMm, r, label, options.tumorBreachMm > 0)
        }
        let h = options.voxelMm
        let (low, high) = geometry.bounds(margin: options.marginMm)
        let n = ((high - low) / h).rounded(.up)
        let nx = Int(n.x), ny = Int(n.y), nz = Int(n.z)
        // Local frame -> world: the world origin is the centre of the vertebral body.
        let shift = SIMD3(0, -morphometry.bodyDepth / 2, 0)
        let firstCentre = low + SIMD3(repeating: h / 2)
        let grid: Grid3D
        do {
            grid = try Grid3D(nx: nx, ny: ny, nz: nz, spacing: SIMD3(repeating: h / 1000), origin: (firstCentre + shift) / 1000)
        } catch let e as CoreError { throw PhantomError("generated grid: \(e.message)") }
        var labels = [UInt8](repeating: 0, count: grid.voxelCount)
        labels.withUnsafeMutableBufferPointer { out in
            for k in 0..<nz {
                let z = firstCentre.z + Double(k) * h
                for j in 0..<ny {
                    let y = firstCentre.y + Double(j) * h
                    let row = (k * ny + j) * nx
                    for i in 0..<nx {
                        out[row + i] = geometry.label(firstCentre.x + Double(i) * h, y, z)
                    }
                }
            }
        }
        func world(_ p: SIMD3<Double>) -> SIMD3<Double> { (p + shift) / 1000 }
        let left = geometry.pedicleTrajectory(side: -1), right = geometry.pedicleTrajectory(side: 1)
        var landmarks = Landmarks(pedicleLeft: PedicleAxis(entry: world(left.entry), target: world(left.target)),
                                  pedicleRight: PedicleAxis(entry: world(right.entry), target: world(right.target)))
        if let t = geometry.tumor { landmarks.tumorCenter = world(t.center) }
        landmarks.sites = geometry.sites.mapValues(world)
        let name = options.name ?? "\(morphometry.level)-\(options.tumor.rawValue)"
        let phantom = Phantom(name: name, grid: grid, labels: labels, legend: PhantomLabels.legend(for: labels), landmarks: landmarks)
        try phantom.validate(context: "generated phantom \(name)")
        return phantom
    }
}
