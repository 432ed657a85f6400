import AblasimCore
import AnalyticSolutions

extension VerificationCase {
    /// CEM43 and Arrhenius Omega accumulated by the solver vs their closed forms for
    /// constant-temperature histories (damage-and-thresholds.md).
    ///
    /// Set-up per temperature (40, 42.5, 43, 45, 50, 55, 60 C): a 2x2x2 block, insulated,
    /// unperfused, so the temperature stays exactly constant; 10 minutes in 1 s steps.
    /// Damage parameters: the Sapareto-Dewey-equivalent set and the liver set.
    /// Error: the largest relative difference of CEM43 and Omega from the closed forms.
    public static let thermalDose = VerificationCase(
        name: "thermal-dose-closed-form",
        summary: "CEM43 and Arrhenius Omega vs closed forms at constant temperature"
    ) { _, executor in
        let grid = try Grid3D(nx: 2, ny: 2, nz: 2, isotropic: 10e-3)
        var worst = 0.0
        let duration = 600.0, dt = 1.0
        for model in [DamageModel.sapareteDeweyEquivalent, DamageModel.liver] {
            var tissue = VerificationSetup.tissue(screening: 0)
            tissue.arrheniusA = model.frequencyFactor
            tissue.arrheniusEa = model.activationEnergy
            for celsius in [40.0, 42.5, 43, 45, 50, 55, 60] {
                let solver = try PennesSolver<Float>(grid: grid, materials: [.tissue(tissue)], codes: [0, 0, 0, 0, 0, 0, 0, 0],
                                                     boundary: .insulated, initialTemperature: celsius,
                                                     dt: dt, executor: executor)
                try solver.run(steps: Int(duration / dt))
                let cem = ThermalDoseClosedForm.cem43(celsius: celsius, seconds: duration)
                let omega = ThermalDoseClosedForm.arrheniusOmega(celsius: celsius, seconds: duration,
                                                                 frequencyFactor: model.frequencyFactor,
                                                                 activationEnergy: model.activationEnergy)
                for v in solver.cem43.interior() { worst = max(worst, abs(v - cem) / cem) }
                for v in solver.omega.interior() { worst = max(worst, abs(v - omega) / omega) }
                for v in solver.temperature.interior() where Double(v) != celsius { worst = .infinity }
            }
        }
        return VerificationResult(name: "thermal-dose-closed-form", summary: "CEM43 and Arrhenius Omega vs closed forms",
                                  norm: "max relative error", error: worst, tolerance: 1e-10)
    }
}
