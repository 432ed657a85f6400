import AblasimCore
import Foundation
import XCTest
import AblasimSimulation
@testable import AblasimSweep

final class SweepExpansionTests: XCTestCase {
    func testSplitMix64MatchesReferenceSequence() {
        // Reference values of Vigna's splitmix64.c with state 0.
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(g.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(g.next(), 0x06C4_5D18_8009_454F)
    }

    func testGridIsTheCartesianProductLastParameterFastest() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try writeSweep("""
            phantom: tiny.vox
            axes:
              - grid:
                  rf.power_w: [10, 15, 20]
                  duration_s: [120, 240]
            """, in: dir)
        XCTAssertEqual(sweep.count, 6)
        XCTAssertEqual(sweep.parameterNames, ["rf.power_w", "duration_s"])
        let pairs = sweep.cases.map { [$0.value(of: "rf.power_w")!, $0.value(of: "duration_s")!] }
        XCTAssertEqual(pairs, [["10", "120"], ["10", "240"], ["15", "120"], ["15", "240"], ["20", "120"], ["20", "240"]])
        XCTAssertEqual(sweep.case(3).phantom, (dir as NSString).appendingPathComponent("tiny.vox"))
    }

    func testZipTakesListsSideBySideAndBlocksMultiply() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try writeSweep("""
            phantom: tiny.vox
            axes:
              - zip:
                  interlock.enabled: [false, true, true]
                  interlock.threshold_c: [45, 43, 45]
              - grid:
                  rf.placement: [left, right]
            """, in: dir)
        XCTAssertEqual(sweep.count, 6)
        let rows = sweep.cases.map { c in sweep.parameterNames.map { c.value(of: $0)! } }
        XCTAssertEqual(rows, [
            ["false", "45", "left"], ["false", "45", "right"],
            ["true", "43", "left"], ["true", "43", "right"],
            ["true", "45", "left"], ["true", "45", "right"],
        ])
    }

    func testRandomSamplesAreDeterministicPerSeedAndInRange() throws {
        let dir = try makeTemporaryFolder()
        func sweep(seed: Int, samples: Int) throws -> Sweep {
            try writeSweep("""
                phantom: tiny.vox
                axes:
                  - random:
                      samples: \(samples)
                      seed: \(seed)
                      parameters:
                        rf.power_w: {uniform: [10, 25], decimals: 2}
                        duration_s: {integer: [100, 110]}
                        thermoprotection.epidural: {choice: [none, co2, dextrose]}
                        rf.target_temp_c: {log_uniform: [50, 90], decimals: 1}
                """, in: dir, name: "random-\(seed)-\(samples).yaml")
        }
        let a = try sweep(seed: 7, samples: 40), b = try sweep(seed: 7, samples: 40)
        XCTAssertEqual(a.cases.map(\.parameters), b.cases.map(\.parameters))
        // Case i does not depend on how many samples the block draws.
        let short = try sweep(seed: 7, samples: 5)
        XCTAssertEqual(short.cases.map(\.parameters), Array(a.cases.prefix(5)).map(\.parameters))
        let other = try sweep(seed: 8, samples: 40)
        XCTAssertNotEqual(a.cases.map(\.parameters), other.cases.map(\.parameters))
        var durations = Set<String>(), protections = Set<String>()
        for c in a.cases {
            let p = Double(c.value(of: "rf.power_w")!)!
            XCTAssertTrue((10...25).contains(p), "power \(p)")
            XCTAssertEqual(p, (p * 100).rounded() / 100, accuracy: 1e-12)
            let d = Int(c.value(of: "duration_s")!)!
            XCTAssertTrue((100...110).contains(d))
            durations.insert(String(d))
            protections.insert(c.value(of: "thermoprotection.epidural")!)
            let t = Double(c.value(of: "rf.target_temp_c")!)!
            XCTAssertTrue((50...90).contains(t))
        }
        XCTAssertGreaterThan(durations.count, 5, "40 integer draws from 11 values should not collapse")
        XCTAssertEqual(protections, ["none", "co2", "dextrose"])
    }

    func testRangeSyntaxAndBaseFromFile() throws {
        let dir = try makeTemporaryFolder()
        try "duration_s: 200\nrf:\n  generator: power\n".write(toFile: (dir as NSString).appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let sweep = try writeSweep("""
            phantom: tiny.vox
            base: base.yaml
            axes:
              - grid:
                  rf.power_w: {from: 10, to: 20, step: 2.5}
                  rf.target_temp_c: {from: 60, to: 80, count: 3}
            """, in: dir)
        XCTAssertEqual(sweep.cases.map { $0.value(of: "rf.power_w")! }.uniqued(), ["10", "12.5", "15", "17.5", "20"])
        XCTAssertEqual(sweep.cases.map { $0.value(of: "rf.target_temp_c")! }.uniqued(), ["60", "70", "80"])
        XCTAssertEqual(sweep.base, [ParameterValue("duration_s", "200"), ParameterValue("rf.generator", "power")])
        let s = try sweep.scenario(for: sweep.case(14))
        XCTAssertEqual(s.durationS, 200)
        XCTAssertEqual(s.rf.generator, .power)
        XCTAssertEqual(s.rf.powerW, 20)
        XCTAssertEqual(s.rf.targetTempC, 80)
    }

    /// The case file `ablasim run --scenario` reads gives exactly the scenario the sweep validated.
    func testCaseScenarioFileReadsBackToTheSameScenario() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try writeSweep("""
            phantom: tiny.vox
            base:
              modality: rf
              rf: {mode: bipolar, generator: temperature}
              cryo: {protocol_min: [10, 8, 10]}
              thermocouples:
                - {name: cord_post, position_mm: [0, -12.5, 3], structure: cord}
                - {name: root_L, position_mm: [-9, -5, 0], structure: root}
              tissue:
                cortical_bone: {conductivity: 0.32}
            axes:
              - grid:
                  rf.power_w: [12, 18]
                  thermoprotection.epidural: [none, co2]
            """, in: dir)
        for c in sweep.cases {
            let path = (dir as NSString).appendingPathComponent("case\(c.index).yaml")
            try sweep.scenarioYAML(for: c).write(toFile: path, atomically: true, encoding: .utf8)
            let loaded = try Scenario.load(yamlAt: path)
            XCTAssertEqual(loaded, try sweep.scenario(for: c))
            XCTAssertEqual(loaded.thermocouples.count, 2)
            XCTAssertEqual(loaded.thermocouples[0].positionMM, SIMD3(0, -12.5, 3))
            XCTAssertEqual(loaded.tissueOverrides["cortical_bone"]?["conductivity"], 0.32)
            XCTAssertEqual(loaded.phantom, c.phantom)
        }
    }

    func testIdentityIgnoresLayoutButNotValues() throws {
        let dir = try makeTemporaryFolder()
        let a = try writeSweep("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10, 15]}\n", in: dir, name: "a.yaml")
        let b = try writeSweep("# same cases\nphantom: tiny.vox\naxes:\n  - grid:\n      rf.power_w: [10, 15]   # W\n", in: dir, name: "b.yaml")
        let c = try writeSweep("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10, 16]}\n", in: dir, name: "c.yaml")
        XCTAssertNotEqual(a.fileSHA256, b.fileSHA256)
        XCTAssertEqual(a.identity, b.identity)
        XCTAssertNotEqual(a.identity, c.identity)
    }

    func testValidationErrors() throws {
        let dir = try makeTemporaryFolder()
        func load(_ text: String) -> String { inputError { _ = try writeSweep(text, in: dir) } }

        var m = load("phantom: tiny.vox\naxes:\n  - grid:\n      rf.pwer_w: [10, 15]\n")
        XCTAssertTrue(m.contains("unknown parameter 'rf.pwer_w'") && m.contains("sweep.yaml:4"), m)
        XCTAssertTrue(m.contains("rf.power_w"), "lists the valid names: \(m)")

        m = load("phantom: tiny.vox\naxes:\n  - grid:\n      rf.power_w: []\n")
        XCTAssertTrue(m.contains("rf.power_w is empty"), m)
        m = load("phantom: tiny.vox\naxes: []\n")
        XCTAssertTrue(m.contains("axes must be a non-empty list"), m)
        m = load("phantom: tiny.vox\n")
        XCTAssertTrue(m.contains("no axes"), m)
        m = load("phantom: tiny.vox\naxes:\n  - random: {samples: 3, seed: 1, parameters: {rf.power_w: {choice: []}}}\n")
        XCTAssertTrue(m.contains("choice is empty"), m)

        m = load("phantom: tiny.vox\nmax_cases: 10\naxes:\n  - grid: {rf.power_w: [10, 11, 12, 13], duration_s: [100, 200, 300]}\n")
        XCTAssertTrue(m.contains("12 cases") && m.contains("max_cases = 10"), m)
        m = load("phantom: tiny.vox\naxes:\n  - random: {samples: 1001, seed: 1, parameters: {rf.power_w: {uniform: [10, 20]}}}\n")
        XCTAssertTrue(m.contains("1001 cases") && m.contains("max_cases = 1000"), m)

        m = load("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10, 900]}\n")
        XCTAssertTrue(m.contains("rf.power_w = '900' is not valid"), m)
        m = load("phantom: tiny.vox\naxes:\n  - zip: {rf.power_w: [10, 12], duration_s: [100]}\n")
        XCTAssertTrue(m.contains("same length"), m)
        m = load("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10]}\n  - grid: {rf.power_w: [12]}\n")
        XCTAssertTrue(m.contains("more than one axis"), m)
        m = load("axes:\n  - grid: {rf.power_w: [10]}\n")
        XCTAssertTrue(m.contains("no phantom"), m)
        m = load("phantom: tiny.vox\naxis:\n  - grid: {rf.power_w: [10]}\n")
        XCTAssertTrue(m.contains("unknown key 'axis'"), m)
        m = load("phantom: tiny.vox\naxes:\n  - cube: {rf.power_w: [10]}\n")
        XCTAssertTrue(m.contains("unknown axis kind 'cube'"), m)
        m = load("phantom: tiny.vox\nbase: {rf: {powr_w: 3}}\naxes:\n  - grid: {duration_s: [100]}\n")
        XCTAssertTrue(m.contains("unknown parameter 'rf.powr_w'"), m)
        m = load("phantom: tiny.vox\naxes:\n  - random: {samples: 3, parameters: {rf.power_w: {uniform: [10, 20]}}}\n")
        XCTAssertTrue(m.contains("seed"), m)
        m = load("phantom: tiny.vox\naxes:\n  - random: {samples: 3, seed: 1, parameters: {rf.power_w: {uniform: [20, 10]}}}\n")
        XCTAssertTrue(m.contains("low < high"), m)
        // A case the run would refuse for a reason between keys fails at plan time, naming it.
        m = load("phantom: tiny.vox\nbase: {modality: laser, laser: {power_w: 3, energy_j: 1000}}\naxes:\n  - grid: {duration_s: [600, 60]}\n")
        XCTAssertTrue(m.contains("case 1") && m.contains("laser.energy_j = 1000 J cannot be delivered"), m)
    }

    func testCommittedExampleSweepsExpand() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let powerDuration = try Sweep.load(path: root.appendingPathComponent("examples/sweep-power-duration.yaml").path)
        XCTAssertEqual(powerDuration.count, 12)
        XCTAssertTrue(powerDuration.phantom.hasSuffix("Phantoms/L1-lytic.vox"))
        let thermo = try Sweep.load(path: root.appendingPathComponent("examples/sweep-thermoprotection.yaml").path)
        XCTAssertEqual(thermo.count, 54)
        XCTAssertEqual(Set(thermo.cases.map { $0.value(of: "thermoprotection.epidural")! }), ["none", "co2", "dextrose"])
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
