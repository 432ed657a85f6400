import AblasimCore
import AnalyticSolutions
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared set-up of the verification cases.
enum VerificationSetup {
    /// Thermal conductivity [W/(m K)], density [kg/m^3] and specific heat [J/(kg K)] of the
    /// synthetic soft tissue of the verification cases: round values of the order of
    /// muscle (IT'IS: k 0.49, rho 1090, c 3421), so diffusivity alpha = 1.25e-7 m^2/s.
    static let conductivity = 0.5, density = 1000.0, specificHeat = 4000.0
    static var diffusivity: Double { conductivity / (density * specificHeat) }

    /// A synthetic tissue whose perfusion gives the screening constant m [1/m]:
    /// w_b = m^2 k / (rho_b c_b), stored in ml/(min kg) as the tissue table does.
    static func tissue(screening m: Double) -> Tissue {
        let wb = m * m * conductivity / (Blood.density * Blood.specificHeat)
        // Start from a reference tissue for the electrical and dielectric values, then
        // set the thermal values the exact solutions are written for.
        var t = TissueTable.referenceTissues[0]
        t.name = "verification_tissue"
        t.density = density; t.specificHeat = specificHeat; t.thermalConductivity = conductivity
        t.perfusionMlMinKg = wb * 60 / (density * 1e-6)
        t.metabolicHeat = 0
        t.status = "assumed"
        t.source = "synthetic verification tissue (round muscle-like values)"
        return t
    }

    /// Perfusion rate constant w = w_b rho_b c_b / (rho c) [1/s] of `tissue`.
    static func perfusionConstant(_ t: Tissue) -> Double {
        t.perfusionRate * Blood.density * Blood.specificHeat / t.heatCapacity
    }

    /// Number of equal steps that reach `duration` with dt <= safety * limit.
    static func steps(duration: Double, limit: Double, safety: Double = 0.9) -> Int {
        max(1, Int((duration / (safety * limit)).rounded(.up)))
    }

    /// Grid spacings [m] of a refinement study: `coarsest` halved `levels - 1` times.
    static func halvings(_ coarsest: Double, levels: Int) -> [Double] {
        (0..<levels).map { coarsest / Double(1 << $0) }
    }

    /// Relative L2 norm accumulator sqrt(sum (num - exact)^2 / sum exact^2).
    struct RelativeL2 {
        var num = 0.0, den = 0.0
        mutating func add(_ numerical: Double, _ exact: Double) {
            num += (numerical - exact) * (numerical - exact)
            den += exact * exact
        }
        var value: Double { den > 0 ? (num / den).squareRoot() : .nan }
    }
}
