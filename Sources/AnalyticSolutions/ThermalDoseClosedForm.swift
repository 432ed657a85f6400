#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thermal dose of a constant-temperature history, in closed form.
///
///   CEM43 = t_min R^(43 - T),   R = 0.5 for T >= 43 C, 0.25 for T < 43 C
///   Omega = t A exp(-Ea / (R_gas (T + 273.15)))
///
/// T temperature [C], t exposure [s] (t_min in minutes), A frequency factor [1/s],
/// Ea activation energy [J/mol], R_gas = 8.314462618 J/(mol K) (CODATA 2018, exact).
/// Sources: Sapareto & Dewey 1984 (CEM43); Henriques & Moritz 1947 (Arrhenius); both as
/// summarized in ../shared/data/damage-and-thresholds.md.
public enum ThermalDoseClosedForm {
    /// Universal gas constant [J/(mol K)], CODATA 2018 exact value.
    public static let gasConstant = 8.314462618

    /// Cumulative equivalent minutes at 43 C after `seconds` at `celsius`.
    public static func cem43(celsius: Double, seconds: Double) -> Double {
        let r = celsius >= 43 ? 0.5 : 0.25
        return seconds / 60 * pow(r, 43 - celsius)
    }

    /// Arrhenius damage integral Omega after `seconds` at `celsius` [dimensionless].
    public static func arrheniusOmega(celsius: Double, seconds: Double,
                                      frequencyFactor a: Double, activationEnergy ea: Double) -> Double {
        seconds * exp(log(a) - ea / (gasConstant * (celsius + 273.15)))
    }

    /// Exposure [s] at a constant temperature that gives Omega = 1 (63 % cell death).
    public static func timeToOmegaOne(celsius: Double, frequencyFactor a: Double, activationEnergy ea: Double) -> Double {
        exp(ea / (gasConstant * (celsius + 273.15)) - log(a))
    }
}
