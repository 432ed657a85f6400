/// Temperature dependence of the electrical conductivity of tissue at RF (~500 kHz),
///
///   sigma(T) = sigma_ref (1 + alpha (T - T_ref))                      T <= T_vap
///   sigma(T) = sigma(T_vap) * collapse^((T - T_vap) / width)          T_vap < T < T_vap + width
///   sigma(T) = sigma(T_vap) * collapse                                T >= T_vap + width
///
/// sigma_ref [S/m] the tissue's `sigmaRF` at T_ref = 37 C (reference table values are body
/// temperature values, ../shared/data/tissue-properties.csv), alpha [1/K] the temperature
/// coefficient, T_vap [C] the onset of vaporization, width [K] the interval over which the
/// conductivity collapses by the factor `collapse`.
///
/// Sources: alpha = 2 %/C is the usual tissue value (Haemmerich 2010, "Biophysics of
/// radiofrequency ablation", Crit Rev Biomed Eng 38:53-63: ~2 %/C at RF frequencies).
/// The roll-off follows the standard vaporization model of RF simulations, a conductivity
/// drop by two orders of magnitude between 99 and 100 C (Haemmerich et al. 2003, IEEE TBME
/// 50:493, and the finite-element models after it, e.g. Chang & Nguyen 2004, Biomed Eng
/// Online 3:27). We interpolate geometrically (log-linear) over the 1 K interval so the
/// solver never sees a jump; sigma never rises again above 100 C (no latent heat in the
/// thermal model, so desiccated tissue stays desiccated for the step).
public struct RFConductivityModel: Equatable, Sendable {
    /// Temperature coefficient alpha [1/K].
    public var temperatureCoefficient: Double
    /// Temperature at which `sigmaRF` applies [C].
    public var referenceTemperature: Double
    /// Onset of vaporization T_vap [C].
    public var vaporizationOnset: Double
    /// Width of the collapse [K].
    public var collapseWidth: Double
    /// Conductivity factor after vaporization (dimensionless, 0 < collapse <= 1).
    public var collapseFactor: Double

    /// 2 %/C from 37 C, collapse by 1e-2 over 99-100 C (sources above).
    public static let standard = RFConductivityModel(temperatureCoefficient: 0.02, referenceTemperature: 37,
                                                     vaporizationOnset: 99, collapseWidth: 1, collapseFactor: 1e-2)
    /// Temperature-independent conductivity (analytic tests).
    public static let constant = RFConductivityModel(temperatureCoefficient: 0, referenceTemperature: 37,
                                                     vaporizationOnset: .infinity, collapseWidth: 1, collapseFactor: 1)

    public init(temperatureCoefficient: Double, referenceTemperature: Double, vaporizationOnset: Double,
                collapseWidth: Double, collapseFactor: Double) {
        self.temperatureCoefficient = temperatureCoefficient
        self.referenceTemperature = referenceTemperature
        self.vaporizationOnset = vaporizationOnset
        self.collapseWidth = collapseWidth
        self.collapseFactor = collapseFactor
    }

    public func validate() throws {
        guard temperatureCoefficient.isFinite, temperatureCoefficient >= 0, temperatureCoefficient < 0.1 else {
            throw PhysicsError.invalidInput("RF conductivity temperature coefficient \(temperatureCoefficient * 100) %/C is not valid: use 0 to 10 %/C (tissue ~2 %/C)")
        }
        guard referenceTemperature.isFinite, collapseWidth.isFinite, collapseWidth > 0,
              collapseFactor > 0, collapseFactor <= 1, !vaporizationOnset.isNaN else {
            throw PhysicsError.invalidInput("RF conductivity roll-off needs a finite reference temperature, a collapse width > 0 K and a collapse factor in (0, 1]")
        }
    }

    /// Factor sigma(T) / sigma_ref.
    @inline(__always)
    public func factor(at t: Double) -> Double {
        let base = 1 + temperatureCoefficient * (min(t, vaporizationOnset) - referenceTemperature)
        // Below about -13 C the linear law would go negative; frozen tissue conducts little.
        let linear = max(base, 0.01)
        return linear * collapse(at: t)
    }

    /// The vaporization part of `factor`: 1 up to T_vap, collapse^((T - T_vap) / width) above.
    @inline(__always)
    public func collapse(at t: Double) -> Double {
        guard t > vaporizationOnset else { return 1 }
        return pow(collapseFactor, min((t - vaporizationOnset) / collapseWidth, 1))
    }

    /// Whether the model has a vaporization roll-off at all.
    public var vaporizes: Bool { vaporizationOnset.isFinite && collapseFactor < 1 }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
