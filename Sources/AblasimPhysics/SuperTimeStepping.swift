import Foundation

/// Super-time-stepping of the explicit phase-change scheme by the first-order
/// Runge-Kutta-Legendre method RKL1 (Meyer, Balsara & Aslam 2014, J. Comput. Phys.
/// 257:594-626). One super-step dT of s stages, M(Y) the explicit right-hand side:
///
///   Y_0 = u^n,   Y_1 = Y_0 + w dT M(Y_0),   w = 2 / (s^2 + s)
///   Y_j = mu_j Y_{j-1} + (1 - mu_j) Y_{j-2} + mu_j w dT M(Y_{j-1}),   mu_j = (2j - 1) / j,  j = 2..s
///   u^{n+1} = Y_s.
///
/// Y_j = P_j(1 + w dT lambda) u^n for a linear mode (P_j the Legendre polynomials), so
/// every stage, not only the last, stays bounded by |P_j| <= 1 while w dT lambda_max <= 2,
/// i.e. dT <= (s^2 + s) / 2 times the forward-Euler limit: about s/2 times fewer stages
/// than explicit steps. That internal stability matters here: the classic Chebyshev
/// super-time-stepping (Alexiades et al. 1996), whose single stages exceed the limit by
/// 1/(2 nu), blew up on the phase-change kernel in float32 (Neumann test, N = 20, nu = 0.002),
/// its intermediate overshoot feeding the nonlinear k(T) and phase branches. The state
/// combined is the enthalpy H (conservative); the kernel works in the difference form
/// H_{j-1} - H_{j-2} (see `phaseChangeLegendreRowScalar`). First order in dT; dose,
/// T_max/T_min and thermocouples are taken at super-step ends.
public struct SuperTimeStepping: Equatable, Sendable {
    /// Super-step length dT [s]; the solver picks the fewest stages that keep it stable.
    public var superStep: Double

    /// Most stages per super-step.
    public static let maximumStages = 200
    /// dT <= margin tau (s^2 + s) / 2: at 0.9 the stiffest mode maps to 1 + w dT lambda >= -0.8,
    /// where |P_s| is well below 1 (damped) instead of at the edge of stability.
    public static let stabilityMargin = 0.9

    public init(superStep: Double) throws {
        guard superStep.isFinite, superStep > 0, superStep <= 600 else {
            throw PhysicsError.invalidInput("super-step \(superStep) s is not valid; expected (0, 600] s")
        }
        self.superStep = superStep
    }

    /// Stages for a super-step dT given the forward-Euler limit tau: 1 (a plain explicit step)
    /// when dT <= tau, else the smallest s with margin tau (s^2 + s) / 2 >= dT.
    public static func stages(for dT: Double, explicitLimit tau: Double) -> Int {
        guard dT > tau else { return 1 }
        let x = 2 * dT / (stabilityMargin * tau)
        var s = max(2, Int(((-1 + (1 + 4 * x).squareRoot()) / 2).rounded(.up)))
        while s > 2, Double(s - 1) * Double(s) >= x { s -= 1 }
        while Double(s) * Double(s + 1) < x { s += 1 }
        return s
    }

    /// The longest stable super-step [s] for the forward-Euler limit tau.
    public static func largestStep(explicitLimit tau: Double) -> Double {
        stabilityMargin * tau * Double(maximumStages * maximumStages + maximumStages) / 2
    }

    /// Per stage j = 1..s of a super-step dT: a_j = mu_j - 1 (weight of Y_{j-1} - Y_{j-2})
    /// and b_j = mu_j w dT (the step on M(Y_{j-1})); a_1 = 0, b_1 = w dT.
    public static func stageCoefficients(stages: Int, superStep dT: Double) -> [(a: Double, b: Double)] {
        let w = 2 / Double(stages * stages + stages)
        return (1...stages).map { j in
            let mu = Double(2 * j - 1) / Double(j)
            return j == 1 ? (0, w * dT) : (mu - 1, mu * w * dT)
        }
    }
}
