import XCTest
import Foundation
import AnalyticSolutions

/// The exact solutions themselves: each satisfies its differential equation, boundary
/// condition and conservation law, checked by finite differences and quadrature.
final class AnalyticSolutionsTests: XCTestCase {
    /// Simpson quadrature of f over [a, b] with n (even) intervals.
    func simpson(_ a: Double, _ b: Double, _ n: Int = 20000, _ f: (Double) -> Double) -> Double {
        let h = (b - a) / Double(n)
        var s = f(a) + f(b)
        for i in 1..<n { s += (i % 2 == 1 ? 4 : 2) * f(a + Double(i) * h) }
        return s * h / 3
    }

    func testGaussianSolvesTheHeatEquation() {
        let g = GaussianDiffusion(amplitude: 10, initialSigma: 1.5e-3, diffusivity: 1.25e-7)
        let r = 1.1e-3, t = 4.0, dr = 1e-6, dt = 1e-3
        func f(_ r: Double, _ t: Double) -> Double { g.excess(squaredDistance: r * r, time: t) }
        let dTdt = (f(r, t + dt) - f(r, t - dt)) / (2 * dt)
        let d2 = (f(r + dr, t) - 2 * f(r, t) + f(r - dr, t)) / (dr * dr)
        let d1 = (f(r + dr, t) - f(r - dr, t)) / (2 * dr)
        XCTAssertEqual(dTdt, 1.25e-7 * (d2 + 2 / r * d1), accuracy: 1e-5 * abs(dTdt) + 1e-9)
        XCTAssertEqual(g.variance(at: g.time(varianceFactor: 2)), 2 * 1.5e-3 * 1.5e-3, accuracy: 1e-18)
        // Heat is conserved: the integral of theta over space stays A (2 pi s0^2)^(3/2).
        let total = simpson(0, 0.03) { r in 4 * Double.pi * r * r * f(r, 20) }
        XCTAssertEqual(total, 10 * pow(2 * Double.pi * 1.5e-3 * 1.5e-3, 1.5), accuracy: 1e-8 * total)
    }

    func testPerfusedSphereSolvesScreenedEquationAndHeatFlow() {
        let k = 0.5, m = 800.0, a = 2e-3
        let s = PerfusedSphere(radius: a, surfaceExcess: 20, conductivity: k, screening: m)
        let r = 3.3e-3, dr = 1e-7
        let d2 = (s.excess(at: r + dr) - 2 * s.excess(at: r) + s.excess(at: r - dr)) / (dr * dr)
        let d1 = (s.excess(at: r + dr) - s.excess(at: r - dr)) / (2 * dr)
        XCTAssertEqual(d2 + 2 / r * d1, m * m * s.excess(at: r), accuracy: 1e-5 * m * m * s.excess(at: r))
        XCTAssertEqual(s.excess(at: a), 20)
        let slope = (s.excess(at: a + dr) - s.excess(at: a)) / dr
        XCTAssertEqual(s.heatFlow, -4 * Double.pi * a * a * k * slope, accuracy: 1e-3 * s.heatFlow)
        // Heat flow = perfusion sink outside the sphere: integral of k m^2 theta dV.
        let sink = simpson(a, 0.05) { r in k * m * m * s.excess(at: r) * 4 * Double.pi * r * r }
        XCTAssertEqual(sink, s.heatFlow, accuracy: 1e-8 * s.heatFlow)
        XCTAssertEqual(perfusionScreening(perfusionRate: 0.01, bloodHeatCapacity: 4e6, conductivity: 0.4), 316.2277660168, accuracy: 1e-9)
    }

    func testPointSourceBalancesPowerWithPerfusionSink() {
        let p = PerfusedPointSource(power: 0.3, conductivity: 0.5, screening: 500)
        let sink = simpson(1e-9, 0.1, 200000) { r in 0.5 * 500 * 500 * p.excess(at: r) * 4 * Double.pi * r * r }
        XCTAssertEqual(sink, 0.3, accuracy: 1e-6)
        let unscreened = PerfusedPointSource(power: 1, conductivity: 0.5, screening: 0)
        XCTAssertEqual(unscreened.excess(at: 0.01), 1 / (4 * Double.pi * 0.5 * 0.01), accuracy: 1e-12)
    }

    func testHalfSpaceSolvesPennesAndReachesSteadyState() {
        let alpha = 1.25e-7, w = 5e-3
        let h = PerfusedHalfSpace(surfaceExcess: 20, diffusivity: alpha, perfusionRate: w)
        let x = 3e-3, t = 60.0, dx = 1e-6, dt = 1e-3
        let dTdt = (h.excess(depth: x, time: t + dt) - h.excess(depth: x, time: t - dt)) / (2 * dt)
        let d2 = (h.excess(depth: x + dx, time: t) - 2 * h.excess(depth: x, time: t) + h.excess(depth: x - dx, time: t)) / (dx * dx)
        XCTAssertEqual(dTdt, alpha * d2 - w * h.excess(depth: x, time: t), accuracy: 1e-5 * abs(dTdt))
        XCTAssertEqual(h.excess(depth: 0, time: 10), 20, accuracy: 1e-12)
        XCTAssertEqual(h.excess(depth: 4e-3, time: 1e5), 20 * exp(-4e-3 * (w / alpha).squareRoot()), accuracy: 1e-9)
        XCTAssertEqual(h.excess(depth: 0.2, time: 1e5).isFinite, true)
    }

    func testDoseClosedForms() {
        XCTAssertEqual(ThermalDoseClosedForm.cem43(celsius: 43, seconds: 14400), 240, accuracy: 1e-12)
        XCTAssertEqual(ThermalDoseClosedForm.cem43(celsius: 45, seconds: 60), 4, accuracy: 1e-12)
        XCTAssertEqual(ThermalDoseClosedForm.cem43(celsius: 41, seconds: 60), 1.0 / 16, accuracy: 1e-15)
        // The Sapareto-Dewey-equivalent Arrhenius set reaches Omega = 1 near 240 min at 43 C
        // (damage-and-thresholds.md): within 2 %.
        let t1 = ThermalDoseClosedForm.timeToOmegaOne(celsius: 43, frequencyFactor: 1e91, activationEnergy: 5.76e5)
        XCTAssertEqual(t1 / 60, 240, accuracy: 0.02 * 240)
        XCTAssertEqual(ThermalDoseClosedForm.arrheniusOmega(celsius: 43, seconds: t1, frequencyFactor: 1e91, activationEnergy: 5.76e5), 1, accuracy: 1e-12)
    }

    func testNeumannStefanRootAndContinuity() throws {
        // Water/ice-like values: ice k 2.2, alpha 1.2e-6; water k 0.6, alpha 1.4e-7; L 334 kJ/kg.
        let s = try NeumannStefan(solidConductivity: 2.2, liquidConductivity: 0.6, solidDiffusivity: 1.2e-6,
                                  liquidDiffusivity: 1.4e-7, meltingTemperature: 0, surfaceTemperature: -20,
                                  initialTemperature: 10, density: 1000, latentHeat: 3.34e5)
        let l = s.lambda, nu = (1.2e-6 / 1.4e-7).squareRoot()
        let lhs = 2.2 * 20 * exp(-l * l) / ((Double.pi * 1.2e-6).squareRoot() * erf(l))
            - 0.6 * 10 * exp(-l * l * 1.2e-6 / 1.4e-7) / ((Double.pi * 1.4e-7).squareRoot() * erfc(l * nu))
        XCTAssertEqual(lhs, 1000 * 3.34e5 * l * (1.2e-6).squareRoot(), accuracy: 1e-9 * lhs)
        let t = 300.0, x = s.frontPosition(at: t)
        XCTAssertEqual(s.temperature(depth: x * (1 - 1e-12), time: t), 0, accuracy: 1e-9)
        XCTAssertEqual(s.temperature(depth: x * (1 + 1e-12), time: t), 0, accuracy: 1e-9)
        XCTAssertEqual(s.temperature(depth: 0, time: t), -20, accuracy: 1e-12)
        XCTAssertEqual(s.temperature(depth: 1, time: t), 10, accuracy: 1e-9)
        // Stefan condition at the front: k_s T_x(solid) - k_l T_x(liquid) = rho L dX/dt.
        let d = 1e-7
        let gs = (s.temperature(depth: x - d, time: t) - s.temperature(depth: x - 2 * d, time: t)) / d
        let gl = (s.temperature(depth: x + 2 * d, time: t) - s.temperature(depth: x + d, time: t)) / d
        let speed = l * (1.2e-6 / t).squareRoot()
        XCTAssertEqual(2.2 * gs - 0.6 * gl, 1000 * 3.34e5 * speed, accuracy: 1e-3 * 1000 * 3.34e5 * speed)
        XCTAssertThrowsError(try NeumannStefan(solidConductivity: 2.2, liquidConductivity: 0.6, solidDiffusivity: 1.2e-6,
                                               liquidDiffusivity: 1.4e-7, meltingTemperature: 0, surfaceTemperature: 5,
                                               initialTemperature: 10, density: 1000, latentHeat: 3.34e5))
    }

    func testSphericalElectrodePowerEqualsIntegratedJouleHeating() {
        let e = SphericalElectrode(radius: 1e-3, potential: 20, conductivity: 0.2)
        XCTAssertEqual(e.current, 4 * Double.pi * 0.2 * 1e-3 * 20, accuracy: 1e-15)
        XCTAssertEqual(e.resistance * e.current, 20, accuracy: 1e-12)
        // Substitute u = a / r: the integral over [a, inf) of q 4 pi r^2 dr becomes finite.
        let heat = simpson(1e-9, 1) { u in let r = 1e-3 / u; return e.jouleHeating(at: r * (1 + 1e-15)) * 4 * Double.pi * r * r * 1e-3 / (u * u) }
        XCTAssertEqual(heat, e.power, accuracy: 1e-6 * e.power)
        XCTAssertEqual(e.potential(at: 4e-3), 5, accuracy: 1e-12)
    }

    func testDiffuseLightAbsorbsAllPower() {
        let l = DiffuseLightPointSource(power: 2, absorption: 40, reducedScattering: 1000)
        XCTAssertEqual(l.effectiveAttenuation, (l.absorption / l.diffusionCoefficient).squareRoot(), accuracy: 1e-9)
        let absorbed = simpson(1e-9, 0.2, 200000) { r in l.absorbedPower(at: r) * 4 * Double.pi * r * r }
        XCTAssertEqual(absorbed, 2, accuracy: 1e-6)
    }
}
