import XCTest
import Foundation
import AblasimCore
import AblasimPhysics
import AnalyticSolutions

/// The phase-change solver against the two-phase Stefan (Neumann) solution: freezing of a
/// half-space of water-like gel at 37 C whose surface is held at -50 C. The solver's
/// freezing range is narrowed to [-0.5, 0] C (T_m = -0.25 C in the Neumann solution).
final class CryoStefanValidationTests: XCTestCase {
    struct Result { let h: Double; let front: Double; let exact: Double; let maxTemperatureError: Double }

    func freeze1D<S: BinaryFloatingPoint & SIMDScalar>(_: S.Type = Double.self, h: Double, time: Double = 120, length: Double = 30e-3,
                                                       sts: SuperTimeStepping? = nil) throws -> Result {
        var gel = try TissueTable.standard.tissue(named: "dextrose_5pct")
        gel.name = "gel"; gel.density = 1000; gel.specificHeat = 4178; gel.thermalConductivity = 0.60
        gel.perfusionMlMinKg = 0; gel.waterFraction = 0.99
        var freezing = FreezingModel()
        freezing.solidus = -0.5; freezing.liquidus = 0
        let n = Int((length / h).rounded())
        let grid = try Grid3D(nx: n, ny: 1, nz: 1, isotropic: h)
        var m = ThermalModel(grid: grid, uniform: gel)
        let surface = try m.addMaterial(.fixedTemperature(name: "cold_surface"))
        m.paint([0], material: surface)
        m.freezing = freezing
        m.superTimeStepping = sts
        let s = try m.makeSolver(S.self, boundary: .insulated, initialTemperature: 37, executor: SlabExecutor(threads: 1))
        let steps = Int((time / s.dt).rounded(.up))
        try s.setTimeStep(time / Double(steps))
        for _ in 0..<steps {
            s.temperature[0, 0, 0] = -50
            try s.step()
        }
        s.temperature[0, 0, 0] = -50
        let f = freezing.frozen(gel)
        let tm = -0.25
        let exact = try NeumannStefan(solidConductivity: f.conductivity, liquidConductivity: gel.thermalConductivity,
                                      solidDiffusivity: f.conductivity / f.heatCapacity, liquidDiffusivity: gel.thermalConductivity / gel.heatCapacity,
                                      meltingTemperature: tm, surfaceTemperature: -50, initialTemperature: 37,
                                      density: gel.density, latentHeat: f.latentHeat / gel.density)
        // The held voxel 0 acts on its face with voxel 1: the surface is at x = h/2 and voxel
        // i spans depths [(i - 1) h, i h]. Front: the frozen depth h sum phi_i (latent heat
        // released, the enthalpy method's front; a T = T_m crossing jumps voxel by voxel).
        var front = 0.0
        for i in 1..<n {
            let phi = min(max((freezing.liquidus - Double(s.temperature[i, 0, 0])) / (freezing.liquidus - freezing.solidus), 0), 1)
            front += phi * h
        }
        var worst = 0.0
        for i in 1..<n { worst = max(worst, abs(Double(s.temperature[i, 0, 0]) - exact.temperature(depth: (Double(i) - 0.5) * h, time: time))) }
        return Result(h: h, front: front, exact: exact.frontPosition(at: time), maxTemperatureError: worst)
    }

    func testFreezingFrontFollowsNeumannSolution() throws {
        let long = ProcessInfo.processInfo.environment["ABLASIM_LONG_TESTS"] == "1"
        let results = try (long ? [1e-3, 0.5e-3, 0.25e-3] : [1e-3, 0.5e-3]).map { try freeze1D(h: $0) }
        for r in results {
            print(String(format: "Neumann freezing, 120 s, h = %.2f mm: front %.3f mm vs exact %.3f mm (error %.2f %%), max |T - T_exact| = %.2f K",
                         r.h * 1000, r.front * 1000, r.exact * 1000, 100 * (r.front - r.exact) / r.exact, r.maxTemperatureError))
        }
        let finest = results.last!
        XCTAssertEqual(finest.front, finest.exact, accuracy: (long ? 0.02 : 0.05) * finest.exact, "front error at h = \(finest.h * 1000) mm")
        XCTAssertLessThan(abs(results.last!.front - results.last!.exact), abs(results.first!.front - results.first!.exact) + 1e-5,
                          "refinement does not increase the front error")
    }

    /// RKL1 super-time-stepping against the plain explicit scheme and Neumann's solution, in
    /// float32 as runs use it, on a short, sharp transient (120 s from a sudden -50 C wall):
    /// the front's departure from the explicit scheme halves with the super-step (10, 5,
    /// 2.5 s: first order in time); at the default cryo super-step (10 s, 12 super-steps
    /// here) the front is within 3 % of the explicit one and 7 % of Neumann's, temperatures
    /// within 0.3 K of the explicit scheme's error.
    func testSuperTimeSteppingFollowsNeumannSolution() throws {
        let explicit = try freeze1D(Float.self, h: 0.5e-3)
        var departures: [Double] = []
        let d = CryoSettings.defaultSuperTimeStepping.superStep
        for step in [10.0, 5, 2.5] {
            let r = try freeze1D(Float.self, h: 0.5e-3, sts: try SuperTimeStepping(superStep: step))
            print(String(format: "Neumann freezing, 120 s, h = 0.50 mm, float, RKL1 super-step %.1f s: front %.3f mm (explicit %.3f, exact %.3f), max |T - T_exact| = %.2f K (explicit %.2f K)",
                         step, r.front * 1000, explicit.front * 1000, r.exact * 1000, r.maxTemperatureError, explicit.maxTemperatureError))
            departures.append(abs(r.front - explicit.front))
            if step == d {
                XCTAssertEqual(r.front, r.exact, accuracy: 0.07 * r.exact, "default super-step: front vs Neumann")
                XCTAssertEqual(r.front, explicit.front, accuracy: 0.03 * explicit.front, "default super-step: front vs explicit")
                XCTAssertLessThan(r.maxTemperatureError, explicit.maxTemperatureError + 0.3, "default super-step: temperature error")
            }
        }
        XCTAssertTrue([10.0, 5, 2.5].contains(d), "the default super-step \(d) s is among those checked here")
        for n in 1..<3 {
            XCTAssertLessThan(departures[n], departures[n - 1] / 1.5, "halving the super-step roughly halves the departure from the explicit scheme: \(departures)")
        }
    }
}
