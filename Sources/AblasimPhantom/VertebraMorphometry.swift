import Foundation

/// Mean dimensions of one vertebral level [mm, degrees], rounded from published adult
/// morphometry (full citations in Phantoms/README.md):
/// - body width/depth/height, canal width/depth, transverse and spinous processes:
///   Panjabi et al., Spine 1991;16(8):888-901 (thoracic) and Spine 1992;17(3):299-306 (lumbar);
/// - pedicle width (transverse), height (sagittal) and transverse angle:
///   Zindrick et al., Spine 1987;12(2):160-166;
/// - disc heights: Zhou et al., Eur Spine J 2000;9:242-248 (lumbar), thoracic from Panjabi 1991 spacing;
/// - cortical shell: Edwards et al., Spine 2001;26(2):218-225 (0.3-0.6 mm; modelled thicker, see `shell`);
/// - cord dimensions: Ko et al., Spinal Cord 2004;42:35-40; conus tip: Saifuddin et al.,
///   Spine 1998;23(13):1452-1456 (mean at the lower third of L1).
public struct VertebraMorphometry: Sendable, Equatable {
    public var level: String
    /// Upper endplate width and depth, posterior body height [mm].
    public var bodyWidth: Double, bodyDepth: Double, bodyHeight: Double
    /// Disc heights above and below this body [mm].
    public var discAbove: Double, discBelow: Double
    /// Pedicle outer width (transverse) and height (sagittal) [mm].
    public var pedicleWidth: Double, pedicleHeight: Double
    /// Pedicle transverse angle: medial convergence of the pedicle axis from the sagittal plane [deg].
    public var pedicleAngle: Double
    /// Canal width (interpedicular distance) and depth (midsagittal) [mm].
    public var canalWidth: Double, canalDepth: Double
    /// Transverse process tip-to-tip span [mm] and posterior sweep angle [deg] (thoracic processes point backwards).
    public var transverseSpan: Double, transverseSweep: Double
    /// Spinous process length behind the lamina [mm] and caudal slope [deg].
    public var spinousLength: Double, spinousSlope: Double
    /// Cord transverse and anteroposterior diameter [mm]; 0 where the level holds only cauda equina.
    public var cordWidth: Double, cordDepth: Double
    /// Conus medullaris: the cord tapers to its tip within this level.
    public var hasConus: Bool

    public var isLumbar: Bool { level.hasPrefix("L") }

    /// Levels T10 to L5, cranial to caudal.
    public static let levels: [VertebraMorphometry] = [
        //  level  W     D     H     dA    dB    pw    ph    ang   cw    cd    tp    sw    sp    ss    cordW cordD conus
        .init("T10", 36.0, 29.5, 21.5, 5.5, 6.0, 6.5, 15.0, 7, 17.0, 16.0, 62, 25, 30, 40, 8.0, 6.0, false),
        .init("T11", 38.0, 31.0, 22.5, 6.0, 7.0, 7.8, 17.0, 6, 17.5, 16.5, 55, 20, 29, 30, 8.5, 6.5, false),
        .init("T12", 40.0, 32.5, 23.5, 7.0, 8.0, 7.9, 16.0, 7, 19.5, 17.0, 46, 10, 28, 20, 8.0, 6.0, false),
        .init("L1", 42.0, 34.0, 25.0, 8.0, 9.0, 8.7, 15.4, 11, 22.0, 18.0, 72, 0, 28, 10, 7.0, 5.5, true),
        .init("L2", 44.0, 35.0, 26.0, 9.0, 10.0, 8.9, 15.0, 12, 23.0, 17.5, 82, 0, 30, 5, 0, 0, false),
        .init("L3", 46.0, 35.5, 26.0, 10.0, 11.0, 10.3, 14.9, 14, 24.0, 17.0, 90, 0, 30, 5, 0, 0, false),
        .init("L4", 48.0, 36.0, 25.5, 11.0, 11.5, 12.9, 14.8, 17, 25.0, 17.5, 82, 0, 27, 0, 0, 0, false),
        .init("L5", 50.0, 35.0, 24.5, 11.5, 11.0, 18.0, 14.0, 30, 27.0, 18.0, 80, 0, 22, 0, 0, 0, false),
    ]

    init(_ level: String, _ w: Double, _ d: Double, _ h: Double, _ dA: Double, _ dB: Double,
         _ pw: Double, _ ph: Double, _ ang: Double, _ cw: Double, _ cd: Double,
         _ tp: Double, _ sweep: Double, _ sp: Double, _ ss: Double, _ cordW: Double, _ cordD: Double, _ conus: Bool) {
        self.level = level
        bodyWidth = w; bodyDepth = d; bodyHeight = h; discAbove = dA; discBelow = dB
        pedicleWidth = pw; pedicleHeight = ph; pedicleAngle = ang
        canalWidth = cw; canalDepth = cd; transverseSpan = tp; transverseSweep = sweep
        spinousLength = sp; spinousSlope = ss; cordWidth = cordW; cordDepth = cordD; hasConus = conus
    }

    /// The morphometry of `level` ("T10" ... "L5", case-insensitive).
    public static func level(_ name: String) throws -> VertebraMorphometry {
        guard let m = levels.first(where: { $0.level.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw PhantomError("unknown vertebral level '\(name)'; valid levels: \(levels.map(\.level).joined(separator: ", "))")
        }
        return m
    }

    /// Index of the level in the column, 0 = T10.
    public var levelIndex: Int { VertebraMorphometry.levels.firstIndex { $0.level == level } ?? 0 }
}
