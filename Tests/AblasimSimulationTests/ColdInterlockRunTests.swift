import XCTest
import AblasimCore
import AblasimPhantom
import AblasimPhysics
@testable import AblasimSimulation

/// The default cryo scenario on a generated 2 mm L1 phantom: the cold interlock trips at a
/// protected thermocouple and the probes stop freezing, so the protected sites stay near the
/// 10 C limit; without the interlock the same run takes them lower; the predictive cut
/// keeps them above it.
final class ColdInterlockRunTests: XCTestCase {
    private func run(interlock: Bool, mode: String = "cut") throws -> RunSummary {
        var s = Scenario()
        s.modality = .cryo
        try s.set("threads", to: "1")
        try s.set("interlock.enabled", to: interlock ? "true" : "false")
        try s.set("interlock.mode", to: mode)
        let run = try ScenarioRun(phantom: GeneratedPhantoms.twoMillimetre, scenario: s, executor: SlabExecutor(threads: 1))
        XCTAssertTrue(try run.run())
        return run.summary(zone: run.zone(), wallTime: 0, version: "test")
    }

    private func coldestProtected(_ s: RunSummary) -> Double {
        s.thermocouples.filter { $0.structure != "other" }.map(\.tMinC).min()!
    }

    func testDefaultCryoTripsTheColdInterlock() throws {
        let on = try run(interlock: true), off = try run(interlock: false), predictive = try run(interlock: true, mode: "predictive")
        let il = on.interlock
        let trip = try XCTUnwrap(il.coldTrippedS, "the default cryo run never reached 10 C at a protected site")
        let overshoot = 3.5   // C: measured 3.0; the ice keeps growing after the probes go passive, and the 10 s super-step lets a trip land up to a step late
        let p = try XCTUnwrap(predictive.interlock.events?.first)
        print(String(format: "ColdInterlockRunTests: cold trip at %.1f s; coldest protected %.2f C with the interlock, %.2f C without; predictive trip at %.1f s (%@, reading %.2f C, forecast %.2f C), coldest %.2f C",
                     trip, coldestProtected(on), coldestProtected(off), p.timeS, p.trigger, p.readingC, p.forecastC ?? .nan, coldestProtected(predictive)))
        XCTAssertEqual(il.events?.first?.kind, "cold")
        XCTAssertEqual(il.coldThresholdC, 10)
        XCTAssertGreaterThan(coldestProtected(on), 10 - overshoot)
        XCTAssertLessThan(coldestProtected(off), coldestProtected(on) - 1, "without the interlock the sites get colder")
        XCTAssertNil(off.interlock.coldTrippedS)
        XCTAssertEqual(p.kind, "cold")
        XCTAssertGreaterThan(coldestProtected(predictive), 10, "the predictive cut keeps the sites above the cold limit")
    }
}
