import XCTest
import AblasimPhysics
@testable import AblasimSimulation

/// Laser scenario keys: fibre types and the agreement of power, energy and duration.
final class LaserDeliveryTests: XCTestCase {
    func laser(_ pairs: [(String, String)]) throws -> Scenario {
        var s = Scenario()
        try s.set("modality", to: "laser", context: "test")
        for (k, v) in pairs { try s.set(k, to: v, context: "test") }
        return s
    }

    func testDurationThatCannotDeliverTheEnergyIsAnInputErrorNamingTheKeys() throws {
        let s = try laser([("laser.power_w", "2"), ("laser.energy_j", "1200"), ("duration_s", "360")])
        XCTAssertThrowsError(try s.checkLaserDelivery()) { e in
            let m = "\(e)"
            XCTAssertEqual((e as? SimulationError)?.isInputError, true, m)
            for part in ["laser.energy_j = 1200 J", "laser.power_w = 2 W", "duration_s = 360 s", "at most 720 J",
                         "duration_s >= 600 s", "laser.energy_j <= 720 J", "laser.energy_j: none"] {
                XCTAssertTrue(m.contains(part), "'\(part)' missing from: \(m)")
            }
        }
        // Enough time, exactly enough, or no energy limit: fine.
        XCTAssertNoThrow(try laser([("laser.power_w", "2"), ("laser.energy_j", "1200"), ("duration_s", "700")]).checkLaserDelivery())
        XCTAssertNoThrow(try laser([("laser.power_w", "2"), ("laser.energy_j", "720"), ("duration_s", "360")]).checkLaserDelivery())
        XCTAssertNoThrow(try laser([("laser.power_w", "2"), ("laser.energy_j", "none"), ("duration_s", "360")]).checkLaserDelivery())
        // The defaults agree (3 W, 1000 J, 360 s).
        XCTAssertNoThrow(try laser([]).checkLaserDelivery())
    }

    func testFibreKeysMapToTheLaserSettings() throws {
        let d = try laser([]).laser.settings
        XCTAssertEqual(d.diffusingLength, 0); XCTAssertFalse(d.precharred)
        XCTAssertTrue(d.charring); XCTAssertTrue(d.vaporization, "charring and vaporization are on by default")
        let diffuser = try laser([("laser.fibre", "diffuser"), ("laser.diffuser_length_mm", "25")]).laser.settings
        XCTAssertEqual(diffuser.diffusingLength, 0.025, accuracy: 1e-12)
        let pre = try laser([("laser.fibre", "precharred"), ("laser.charring", "off"), ("laser.vaporization", "off")]).laser.settings
        XCTAssertTrue(pre.precharred); XCTAssertTrue(pre.charring, "a precharred tip is char")
        XCTAssertFalse(pre.vaporization)
        XCTAssertThrowsError(try laser([("laser.fibre", "cleaved")])) { e in
            XCTAssertTrue("\(e)".contains("bare"), "\(e)")
        }
        XCTAssertThrowsError(try laser([("laser.diffuser_length_mm", "80")]))
    }
}
