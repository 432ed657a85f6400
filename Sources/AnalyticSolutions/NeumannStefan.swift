#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two-phase Stefan problem (Neumann's similarity solution): freezing of a half-space
/// x > 0 of liquid initially at T_i > T_m whose surface is held at T_s < T_m from t = 0.
///
///   front X(t) = 2 lambda sqrt(alpha_s t), with lambda the root of
///   k_s (T_m - T_s) e^(-lambda^2) / (sqrt(pi alpha_s) erf(lambda))
///     - k_l (T_i - T_m) e^(-lambda^2 alpha_s/alpha_l) / (sqrt(pi alpha_l) erfc(lambda sqrt(alpha_s/alpha_l)))
///     = rho L lambda sqrt(alpha_s)
///   solid  (x < X): T = T_s + (T_m - T_s) erf(x / (2 sqrt(alpha_s t))) / erf(lambda)
///   liquid (x > X): T = T_i - (T_i - T_m) erfc(x / (2 sqrt(alpha_l t))) / erfc(lambda sqrt(alpha_s/alpha_l))
///
/// k_s, k_l conductivities [W/(m K)]; alpha_s, alpha_l diffusivities [m^2/s]; T_m melting,
/// T_s surface, T_i initial temperatures [C]; rho density [kg/m^3]; L latent heat [J/kg].
/// Source: ../shared/data/analytic-oracles.md item 5; Carslaw & Jaeger 1959, section 11.2.
public struct NeumannStefan: Sendable, Equatable {
    public let solidConductivity: Double, liquidConductivity: Double
    public let solidDiffusivity: Double, liquidDiffusivity: Double
    public let meltingTemperature: Double, surfaceTemperature: Double, initialTemperature: Double
    public let density: Double, latentHeat: Double
    /// The dimensionless front constant lambda.
    public let lambda: Double

    public init(solidConductivity ks: Double, liquidConductivity kl: Double,
                solidDiffusivity aS: Double, liquidDiffusivity aL: Double,
                meltingTemperature tm: Double, surfaceTemperature ts: Double, initialTemperature ti: Double,
                density rho: Double, latentHeat l: Double) throws {
        guard ts < tm, ti >= tm else {
            throw AnalyticSolutionError("Neumann freezing needs surface \(ts) C < melting \(tm) C <= initial \(ti) C")
        }
        guard [ks, kl, aS, aL, rho, l].allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw AnalyticSolutionError("conductivities, diffusivities, density and latent heat must be finite and > 0")
        }
        solidConductivity = ks; liquidConductivity = kl
        solidDiffusivity = aS; liquidDiffusivity = aL
        meltingTemperature = tm; surfaceTemperature = ts; initialTemperature = ti
        density = rho; latentHeat = l
        let nu = (aS / aL).squareRoot()
        // Residual of the transcendental equation: +inf as lambda -> 0 (solid flux term),
        // -inf as lambda grows (latent and liquid terms), so one sign change brackets it.
        func residual(_ x: Double) -> Double {
            ks * (tm - ts) * exp(-x * x) / ((Double.pi * aS).squareRoot() * erf(x))
                - kl * (ti - tm) * exp(-x * x * aS / aL) / ((Double.pi * aL).squareRoot() * erfc(x * nu))
                - rho * l * x * aS.squareRoot()
        }
        var hi = 1.0
        while residual(hi) > 0 && hi < 20 { hi *= 2 }
        lambda = try bisectRoot(in: 1e-12...hi, residual)
    }

    /// Freezing front depth X(t) [m].
    public func frontPosition(at t: Double) -> Double { 2 * lambda * (solidDiffusivity * t).squareRoot() }

    /// Temperature [C] at depth x [m] and time t [s].
    public func temperature(depth x: Double, time t: Double) -> Double {
        if t <= 0 { return x <= 0 ? surfaceTemperature : initialTemperature }
        if x <= frontPosition(at: t) {
            return surfaceTemperature + (meltingTemperature - surfaceTemperature)
                * erf(x / (2 * (solidDiffusivity * t).squareRoot())) / erf(lambda)
        }
        let nu = (solidDiffusivity / liquidDiffusivity).squareRoot()
        return initialTemperature - (initialTemperature - meltingTemperature)
            * erfc(x / (2 * (liquidDiffusivity * t).squareRoot())) / erfc(lambda * nu)
    }
}
