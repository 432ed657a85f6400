import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An internally water-cooled interstitial microwave antenna, described by the shape of its
/// specific absorption rate (SAR) pattern rather than by a full-wave field solution.
///
/// With u = distance from the feed gap towards the tip [m] and rho the distance from the
/// antenna axis [m], the unnormalized power density is
///
///   q(u, rho) = A(u) * (rho_0 / max(rho, rho_0)) * exp(-2 tau),   tau = integral_{rho_0}^{rho} alpha dl
///
///   A(u) = exp(-u^2 / (2 w_d^2))                                       for u >= 0 (distal),
///   A(u) = (1 - beta) exp(-u^2 / (2 w_p^2)) + beta exp(u / L_tail)     for u < 0 (towards the hub).
///
/// - rho_0: shaft outer radius [m]; 1/rho: cylindrical spreading of the near field of a thin
///   antenna; exp(-2 tau): power attenuation along the radial path with the local tissue's
///   plane-wave attenuation constant alpha [Np/m] (`planeWaveAttenuation`), so heterogeneous
///   tissue (bone, fat, tumour) shapes the pattern.
/// - w_d, w_p: distal and proximal widths of the axial envelope [m]; beta: fraction of the
///   envelope carried by backward currents on the outer conductor ("tail" heating along the
///   shaft); L_tail: its decay length [m].
/// The pattern is normalized so the deposited power equals the protocol's absorbed power.
///
/// Parameter values: assumed, chosen to reproduce the usual teardrop shape of cooled 2.45 GHz
/// and 915 MHz antennas (radiating section about one tissue half-wavelength long, feed gap
/// about that far behind the tip, suppressed but not absent backward heating). The tissue
/// half-wavelength lambda/(2 sqrt(eps_r)) is about 12 mm at 2.45 GHz and 23 mm at 915 MHz
/// in eps_r ~ 50 tissue. See docs/microwave.md for the calibration run.
public struct MicrowaveAntenna: Equatable, Sendable {
    /// Operating frequency [Hz]: 915e6 or 2450e6.
    public var frequency: Double
    /// Distance of the feed gap behind the tip [m].
    public var feedGapBehindTip: Double
    /// Distal width w_d [m].
    public var distalWidth: Double
    /// Proximal width w_p [m].
    public var proximalWidth: Double
    /// Backward-heating fraction beta in [0, 1).
    public var shaftTailFraction: Double
    /// Backward-heating decay length L_tail [m].
    public var shaftTailLength: Double
    /// Shaft outer radius rho_0 [m]. 14 G (2.1 mm OD): a common cooled antenna gauge.
    public var shaftRadius: Double
    /// Coolant temperature [C]: room-temperature water/saline circulated through the shaft (assumed 20 C).
    public var coolantTemperature: Double
    /// Film coefficient between coolant and tissue [W/(m^2 K)]; assumed 1000 W/(m^2 K),
    /// a forced-convection value for water in a millimetre catheter wall (order-of-magnitude estimate).
    public var coolantFilmCoefficient: Double
    /// Radial extent of the pattern [m]; beyond it the power density is taken as zero.
    public var patternRadius: Double

    public init(frequency: Double, feedGapBehindTip: Double, distalWidth: Double, proximalWidth: Double,
                shaftTailFraction: Double, shaftTailLength: Double, shaftRadius: Double = 1.05e-3,
                coolantTemperature: Double = 20, coolantFilmCoefficient: Double = 1000, patternRadius: Double = 0.03) {
        self.frequency = frequency; self.feedGapBehindTip = feedGapBehindTip
        self.distalWidth = distalWidth; self.proximalWidth = proximalWidth
        self.shaftTailFraction = shaftTailFraction; self.shaftTailLength = shaftTailLength
        self.shaftRadius = shaftRadius; self.coolantTemperature = coolantTemperature
        self.coolantFilmCoefficient = coolantFilmCoefficient; self.patternRadius = patternRadius
    }

    /// Default cooled antenna for 915 MHz or 2.45 GHz (assumed values, see the type's doc).
    public static func preset(frequency f: Double) throws -> MicrowaveAntenna {
        if abs(f - 2450e6) < 1 {
            return MicrowaveAntenna(frequency: 2450e6, feedGapBehindTip: 8e-3, distalWidth: 4e-3, proximalWidth: 7e-3,
                                    shaftTailFraction: 0.10, shaftTailLength: 10e-3)
        }
        if abs(f - 915e6) < 1 {
            return MicrowaveAntenna(frequency: 915e6, feedGapBehindTip: 15e-3, distalWidth: 7e-3, proximalWidth: 11e-3,
                                    shaftTailFraction: 0.20, shaftTailLength: 18e-3)
        }
        throw PhysicsError.invalidInput(String(format: "microwave frequency %.6g MHz is not supported; valid: 915 or 2450 MHz", f / 1e6))
    }

    /// Axial envelope A(u), u from the feed gap towards the tip [m].
    @inline(__always)
    public func axialEnvelope(_ u: Double) -> Double {
        if u >= 0 { return exp(-0.5 * (u / distalWidth) * (u / distalWidth)) }
        return (1 - shaftTailFraction) * exp(-0.5 * (u / proximalWidth) * (u / proximalWidth))
            + shaftTailFraction * exp(u / shaftTailLength)
    }

    /// Range of the envelope behind the tip [m] where A > ~1e-6 of its peak: (front, back).
    var axialExtentBehindTip: (Double, Double) {
        let front = feedGapBehindTip - 5.3 * distalWidth
        let back = feedGapBehindTip + max(5.3 * proximalWidth, shaftTailFraction > 0 ? 14 * shaftTailLength : 0)
        return (front, back)
    }

    func validate() throws {
        _ = try MicrowaveAntenna.preset(frequency: frequency)
        let lengths: [(String, Double)] = [("feed gap behind tip", feedGapBehindTip), ("distal width", distalWidth),
                                           ("proximal width", proximalWidth), ("shaft tail length", shaftTailLength),
                                           ("shaft radius", shaftRadius), ("pattern radius", patternRadius)]
        for (what, v) in lengths where !(v.isFinite && v > 0) {
            throw PhysicsError.invalidInput(String(format: "microwave antenna %@ = %.4g mm is not valid; it must be finite and > 0", what, v * 1000))
        }
        guard shaftTailFraction.isFinite, shaftTailFraction >= 0, shaftTailFraction < 1 else {
            throw PhysicsError.invalidInput("microwave antenna shaft tail fraction \(shaftTailFraction) is not valid; expected [0, 1)")
        }
        guard coolantTemperature.isFinite, coolantTemperature > -5, coolantTemperature < 60 else {
            throw PhysicsError.invalidInput("microwave coolant temperature \(coolantTemperature) C is not valid; expected (-5, 60) C")
        }
        guard coolantFilmCoefficient.isFinite, coolantFilmCoefficient > 0 else {
            throw PhysicsError.invalidInput("microwave coolant film coefficient \(coolantFilmCoefficient) W/(m^2 K) must be finite and > 0")
        }
    }
}
