import Foundation
import AblasimCore
import AblasimKernels
import AblasimPhysics

/// Watches the thermocouples during a run: samples them after every step, keeps their
/// peaks, first threshold crossings and thermal dose, raises flags and drives the
/// generator interlock.
///
/// Reading: trilinear between the eight voxel centres around the junction (the same rule
/// as `Field3D.trilinear`), with indices and weights computed once at set-up, so a sample
/// costs eight loads per thermocouple.
///
/// Dose at a thermocouple, from its own sampled history, with the rule the solver uses per
/// voxel (end-of-step temperature over the step):
///   CEM43 += (dt / 60) R^(43 - T),  R = 0.5 (T >= 43 C), 0.25 below  [min]  (Sapareto & Dewey 1984)
///   Omega += dt A exp(-Ea / (R_gas (T + 273.15)))                      [1]    (Henriques & Moritz 1947)
/// with dt [s], T [C], and A [1/s], Ea [J/mol] of the tissue in the thermocouple's voxel.
///
/// Crossing times are interpolated linearly within the step that crossed:
///   t* = t0 + (theta - T0) / (T1 - T0) (t1 - t0).
///
/// Flags are raised at protected (cord, root) thermocouples only: heat crossings, cold
/// crossings and dose over the structure's limit. `other` sites record crossings and dose
/// but raise no flag.
///
/// Interlock (on by default, as in clinical practice; Nakatsuka 2009 cut RF at 45 C), on
/// heat at `thresholdC` and on cold at `coldThresholdC` (the 10-45 C juxtaneural band,
/// Sag & Husain 2022). The power factor gates every source: heating sources deliver that
/// fraction of their power, cryoprobes blend freezing with passive (factor 0: the probes stop
/// extracting heat, `CryoSource`).
/// - cut: when any protected thermocouple reaches either limit, power to all channels stops
///   for the rest of the run (factor 0, latched).
/// - throttle: the factor falls linearly from 1 at `thresholdC - throttleBandC` to 0 at
///   `thresholdC` following the hottest protected thermocouple (and from 1 at
///   `coldThresholdC + throttleBandC` to 0 at `coldThresholdC` following the coldest), and
///   recovers as the site returns.
/// - predictive: a latched cut as soon as a protected thermocouple reaches a limit or its
///   forecast (`ThermocoupleForecast`: T + dT/dt tau) comes within `forecastMarginC` of it,
///   so that the rise that follows the cut stays inside the limit.
/// `tripped_s` is when the interlock first acted (cut: reached the threshold; throttle:
/// entered the band; predictive: the forecast reached it); the overshoot is the hottest
/// protected reading from the heat trip on minus the threshold [C] (negative when the site
/// stayed below it), the cold overshoot the cold limit minus the coldest reading from the
/// cold trip on. Every trip is an `InterlockEvent` with its reading, forecast and actual peak.
public final class ThermocoupleMonitor {
    public let thermocouples: [Thermocouple]
    public let thresholds: SafetyThresholds
    public let interlock: Scenario.Interlock
    /// Interval between recorded samples [s].
    public let recordInterval: Double
    /// Width of the throttling band below the interlock threshold [C]. 2 C: an assumed
    /// control margin (no published value); set before the first `observe`.
    public var throttleBandC = 2.0
    /// The power factor returned by the last `observe` (1 before the first).
    public private(set) var powerFactor = 1.0

    private let n: Int
    private let offsets: [Int]       // 8 padded field indices per thermocouple
    private let weights: [Double]    // 8 trilinear weights per thermocouple
    private let lnA: [Double], eaOverR: [Double]
    private let protected: [Bool]
    private let cem43Limit: [Double], omegaLimit: [Double]   // .infinity when none
    private var current: [Double], previous: [Double]
    private var tMax: [Double], tMin: [Double]
    private var cem43: [Double], omega: [Double]
    private var heatCrossing: [Double]   // n * heatC.count, NaN = never
    private var coldCrossing: [Double]   // n * coldC.count
    private var cem43Flag: [Double], omegaFlag: [Double]
    private var lastTime: Double
    private let startTime: Double
    private var nextRecord = 1
    private var recordTimes: [Double] = []
    private var recordValues: [[Double]]
    /// Per kind (heat, cold): the first trip and the extreme protected reading since.
    private var heatTrip: Trip?, coldTrip: Trip?
    private var forecasts: [ThermocoupleForecast]

    struct Trip {
        var time: Double, thermocouple: Int, trigger: String, reading: Double, forecast: Double?, peak: Double
    }

    /// - Parameters:
    ///   - thermocouples: sites with unique names, inside the grid, in tissue (not in a probe).
    ///   - solver: the run's solver; its current temperature is the first sample.
    ///   - recordInterval: interval between recorded samples [s], > 0.
    public init(thermocouples: [Thermocouple], solver: PennesSolver<Float>, thresholds: SafetyThresholds,
                interlock: Scenario.Interlock, recordInterval: Double) throws {
        try thresholds.validate()
        guard recordInterval.isFinite, recordInterval > 0 else {
            throw SimulationError.invalidInput("record interval \(recordInterval) s is not valid: it must be finite and > 0")
        }
        guard interlock.thresholdC.isFinite, interlock.coldThresholdC.isFinite else {
            throw SimulationError.invalidInput("interlock thresholds \(interlock.coldThresholdC) / \(interlock.thresholdC) C are not valid: they must be finite")
        }
        guard interlock.coldThresholdC < interlock.thresholdC else {
            throw SimulationError.invalidInput("interlock.cold_threshold_c = \(SafetyThresholds.key(interlock.coldThresholdC)) C is not below interlock.threshold_c = \(SafetyThresholds.key(interlock.thresholdC)) C; the cold limit must be below the heat limit")
        }
        guard interlock.forecastHorizonS.isFinite, interlock.forecastHorizonS > 0, interlock.forecastMarginC.isFinite, interlock.forecastMarginC >= 0 else {
            throw SimulationError.invalidInput("interlock.forecast_horizon_s = \(interlock.forecastHorizonS) s / interlock.forecast_margin_c = \(interlock.forecastMarginC) C is not valid: the horizon must be > 0 and the margin >= 0")
        }
        let grid = solver.grid
        var seen = Set<String>()
        var offsets: [Int] = [], weights: [Double] = [], lnA: [Double] = [], eaOverR: [Double] = []
        for tc in thermocouples {
            guard !tc.name.isEmpty, tc.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                throw SimulationError.invalidInput("thermocouple name '\(tc.name)' at \(tc.positionText) is not valid: use letters, digits, '_', '-' or '.'")
            }
            guard seen.insert(tc.name).inserted else {
                throw SimulationError.invalidInput("thermocouple name '\(tc.name)' is used twice (second at \(tc.positionText)); names must be unique")
            }
            let p = grid.index(tc.position)
            let dims = SIMD3(Double(grid.nx), Double(grid.ny), Double(grid.nz))
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite,
                  p.x >= -0.5, p.y >= -0.5, p.z >= -0.5, p.x <= dims.x - 0.5, p.y <= dims.y - 0.5, p.z <= dims.z - 0.5 else {
                let lo = grid.world(SIMD3(repeating: -0.5)) * 1000, hi = grid.world(dims - 0.5) * 1000
                throw SimulationError.invalidInput(String(format: "thermocouple '%@' at %@ is outside the grid (voxel index %.1f, %.1f, %.1f of %dx%dx%d); the grid spans (%.2f, %.2f, %.2f) to (%.2f, %.2f, %.2f) mm",
                    tc.name, tc.positionText, p.x, p.y, p.z, grid.nx, grid.ny, grid.nz, lo.x, lo.y, lo.z, hi.x, hi.y, hi.z))
            }
            let v = SIMD3(Int(min(max(p.x.rounded(), 0), dims.x - 1)), Int(min(max(p.y.rounded(), 0), dims.y - 1)),
                          Int(min(max(p.z.rounded(), 0), dims.z - 1)))
            let code = Int(solver.codes[v.x, v.y, v.z] & ~MaterialCode.coagulated)
            guard code < solver.materials.count, let tissue = solver.materials[code].tissue else {
                let what = code < solver.materials.count ? "probe surface '\(solver.materials[code].name)'" : "a voxel without material"
                throw SimulationError.invalidInput("thermocouple '\(tc.name)' at \(tc.positionText) lies inside \(what) (voxel \(v.x), \(v.y), \(v.z)); place it in tissue")
            }
            lnA.append(log(tissue.arrheniusA))
            eaOverR.append(tissue.arrheniusEa / gasConstant)
            let (o, w) = ThermocoupleMonitor.stencil(at: p, field: solver.temperature)
            offsets += o; weights += w
        }
        self.thermocouples = thermocouples
        self.thresholds = thresholds
        self.interlock = interlock
        self.recordInterval = recordInterval
        n = thermocouples.count
        self.offsets = offsets; self.weights = weights; self.lnA = lnA; self.eaOverR = eaOverR
        protected = thermocouples.map { $0.structure.isProtected }
        cem43Limit = thermocouples.map { thresholds.cem43Limit($0.structure) ?? .infinity }
        omegaLimit = thermocouples.map { thresholds.omegaLimit($0.structure) ?? .infinity }
        current = [Double](repeating: 0, count: n)
        previous = current; cem43 = current; omega = current; tMax = current; tMin = current
        heatCrossing = [Double](repeating: .nan, count: n * thresholds.heatC.count)
        coldCrossing = [Double](repeating: .nan, count: n * thresholds.coldC.count)
        cem43Flag = [Double](repeating: .nan, count: n)
        omegaFlag = cem43Flag
        startTime = solver.time
        lastTime = solver.time
        recordValues = [[Double]](repeating: [], count: n)
        forecasts = [ThermocoupleForecast](repeating: ThermocoupleForecast(), count: n)
        sample(solver.temperature.base)
        for c in 0..<n { forecasts[c].add(time: startTime, value: current[c]) }
        previous = current
        tMax = current; tMin = current
        for c in 0..<n { checkCrossings(c, t0: startTime, t1: startTime) }
        recordTimes.append(startTime)
        for c in 0..<n { recordValues[c].append(current[c]) }
    }

    /// Padded indices and weights of the trilinear stencil at continuous index `p`
    /// (`TrilinearStencil`, as `Field3D.trilinear`).
    static func stencil(at p: SIMD3<Double>, field: Field3D<Float>) -> ([Int], [Double]) {
        var o: [Int] = [], w: [Double] = []
        TrilinearStencil.forEachCorner(at: p, dims: SIMD3(field.nx, field.ny, field.nz)) { q, weight in
            o.append(field.index(q.x, q.y, q.z)); w.append(weight)
        }
        return (o, w)
    }

    @inline(__always)
    private func sample(_ base: UnsafeMutablePointer<Float>) {
        for c in 0..<n {
            var t = 0.0
            for m in 8 * c..<8 * c + 8 { t += Double(base[offsets[m]]) * weights[m] }
            current[c] = t
        }
    }

    /// Linear interpolation of the time at which the reading passed `level` between two samples.
    @inline(__always)
    private static func crossingTime(_ level: Double, _ v0: Double, _ v1: Double, _ t0: Double, _ t1: Double) -> Double {
        guard v1 != v0, t1 > t0 else { return t1 }
        let f = min(max((level - v0) / (v1 - v0), 0), 1)
        return t0 + f * (t1 - t0)
    }

    private func checkCrossings(_ c: Int, t0: Double, t1: Double) {
        let v0 = previous[c], v1 = current[c]
        let heat = thresholds.heatC, cold = thresholds.coldC
        for h in 0..<heat.count where heatCrossing[c * heat.count + h].isNaN && v1 >= heat[h] {
            heatCrossing[c * heat.count + h] = ThermocoupleMonitor.crossingTime(heat[h], v0, v1, t0, t1)
        }
        for h in 0..<cold.count where coldCrossing[c * cold.count + h].isNaN && v1 <= cold[h] {
            coldCrossing[c * cold.count + h] = ThermocoupleMonitor.crossingTime(cold[h], v0, v1, t0, t1)
        }
    }

    /// Samples every thermocouple after a step ending at `time` [s], updates peaks,
    /// crossings, dose, flags and the recorded series, and returns the power factor the
    /// interlock allows for the next step (1 full, 0 cut, in between throttled).
    @discardableResult
    public func observe(solver: PennesSolver<Float>, time: Double) -> Double {
        let t0 = lastTime, t1 = time
        let dt = max(t1 - t0, 0)
        swap(&previous, &current)
        sample(solver.temperature.base)
        var hot = (value: -Double.infinity, site: -1), cold = (value: Double.infinity, site: -1)
        for c in 0..<n {
            let v = current[c]
            if v > tMax[c] { tMax[c] = v }
            if v < tMin[c] { tMin[c] = v }
            if dt > 0 {
                let cemOld = cem43[c], omOld = omega[c]
                cem43[c] += dt / 60 * cem43Rate(v)
                omega[c] += dt * exp(lnA[c] - eaOverR[c] / (v + 273.15))
                if cem43Flag[c].isNaN && cem43[c] >= cem43Limit[c] {
                    cem43Flag[c] = ThermocoupleMonitor.crossingTime(cem43Limit[c], cemOld, cem43[c], t0, t1)
                }
                if omegaFlag[c].isNaN && omega[c] >= omegaLimit[c] {
                    omegaFlag[c] = ThermocoupleMonitor.crossingTime(omegaLimit[c], omOld, omega[c], t0, t1)
                }
            }
            checkCrossings(c, t0: t0, t1: t1)
            forecasts[c].add(time: t1, value: v)
            if protected[c] {
                if v > hot.value { hot = (v, c) }
                if v < cold.value { cold = (v, c) }
            }
        }
        // Recorded series: values interpolated to the record times inside this step.
        while true {
            let tr = startTime + Double(nextRecord) * recordInterval
            guard tr <= t1 + 1e-9 * max(recordInterval, 1) else { break }
            let f = t1 > t0 ? min(max((tr - t0) / (t1 - t0), 0), 1) : 1
            recordTimes.append(tr)
            for c in 0..<n { recordValues[c].append(previous[c] + f * (current[c] - previous[c])) }
            nextRecord += 1
        }
        lastTime = t1
        guard interlock.enabled, hot.site >= 0 else { powerFactor = 1; return 1 }
        powerFactor = actOnInterlock(hot: hot, cold: cold, t0: t0, t1: t1)
        return powerFactor
    }

    /// Trips (once per kind), follows the extremes since the trips and returns the factor.
    private func actOnInterlock(hot: (value: Double, site: Int), cold: (value: Double, site: Int), t0: Double, t1: Double) -> Double {
        let heatLimit = interlock.thresholdC, coldLimit = interlock.coldThresholdC
        let band = interlock.mode == .throttle ? max(throttleBandC, 0) : 0
        // Reading triggers: the first protected site at or beyond the limit (or the band).
        if heatTrip == nil, let (c, t) = earliestCrossing(heatLimit - band, t0, t1, beyond: { $0 >= heatLimit - band }) {
            heatTrip = Trip(time: t, thermocouple: c, trigger: "reading", reading: current[c], forecast: nil, peak: hot.value)
        }
        if coldTrip == nil, let (c, t) = earliestCrossing(coldLimit + band, t0, t1, beyond: { $0 <= coldLimit + band }) {
            coldTrip = Trip(time: t, thermocouple: c, trigger: "reading", reading: current[c], forecast: nil, peak: cold.value)
        }
        // Forecast triggers of the predictive mode.
        if interlock.mode == .predictive {
            for c in 0..<n where protected[c] {
                guard let f = forecasts[c].forecast(now: current[c], at: t1, horizon: interlock.forecastHorizonS) else { continue }
                if heatTrip == nil, f.rate > 0, f.value >= heatLimit - interlock.forecastMarginC {
                    heatTrip = Trip(time: t1, thermocouple: c, trigger: "forecast", reading: current[c], forecast: f.value, peak: hot.value)
                }
                if coldTrip == nil, f.rate < 0, f.value <= coldLimit + interlock.forecastMarginC {
                    coldTrip = Trip(time: t1, thermocouple: c, trigger: "forecast", reading: current[c], forecast: f.value, peak: cold.value)
                }
            }
        }
        if heatTrip != nil { heatTrip!.peak = max(heatTrip!.peak, hot.value) }
        if coldTrip != nil { coldTrip!.peak = min(coldTrip!.peak, cold.value) }
        switch interlock.mode {
        case .cut, .predictive:
            return heatTrip == nil && coldTrip == nil ? 1 : 0
        case .throttle:
            func ramp(_ margin: Double) -> Double { band > 0 ? min(max(margin / band, 0), 1) : (margin <= 0 ? 0 : 1) }
            return min(ramp(heatLimit - hot.value), ramp(cold.value - coldLimit))
        }
    }

    /// The protected thermocouple whose reading went `beyond` `level` earliest in the step
    /// (t0, t1], with that interpolated time; nil when none is beyond it.
    private func earliestCrossing(_ level: Double, _ t0: Double, _ t1: Double, beyond: (Double) -> Bool) -> (Int, Double)? {
        var best: (Int, Double)?
        for c in 0..<n where protected[c] && beyond(current[c]) {
            let t = ThermocoupleMonitor.crossingTime(level, previous[c], current[c], t0, t1)
            if best == nil || t < best!.1 { best = (c, t) }
        }
        return best
    }

    /// Recorded samples: `values[c][s]` is thermocouple `names[c]` at `times[s]` [C].
    public var series: (names: [String], times: [Double], values: [[Double]]) {
        (thermocouples.map(\.name), recordTimes, recordValues)
    }

    /// The hottest current reading at a cord and at a root thermocouple [C] (nil without one).
    public var hottest: (cord: Double?, root: Double?) {
        var cord: Double?, root: Double?
        for c in 0..<n {
            switch thermocouples[c].structure {
            case .cord: cord = max(cord ?? -.infinity, current[c])
            case .root: root = max(root ?? -.infinity, current[c])
            case .other: break
            }
        }
        return (cord, root)
    }

    /// Current reading of each thermocouple [C], in order.
    public var readings: [Double] { current }

    /// Per-thermocouple results, every flag raised (ordered by time, then thermocouple,
    /// then kind) and the interlock record.
    public func results() -> (thermocouples: [RunSummary.ThermocoupleResult], flags: [RunSummary.Flag], interlock: RunSummary.Interlock) {
        let heat = thresholds.heatC, cold = thresholds.coldC
        var flags: [(flag: RunSummary.Flag, order: Int)] = []
        var out: [RunSummary.ThermocoupleResult] = []
        for c in 0..<n {
            let tc = thermocouples[c]
            var crossings: [String: Double?] = [:], coldCrossings: [String: Double?] = [:]
            var kinds: [String] = []
            func raise(_ kind: String, _ threshold: Double, _ time: Double, _ rank: Int) {
                kinds.append(kind)
                flags.append((RunSummary.Flag(thermocouple: tc.name, kind: kind, threshold: threshold, timeS: time), c * 64 + rank))
            }
            for h in 0..<heat.count {
                let t = heatCrossing[c * heat.count + h]
                crossings[SafetyThresholds.key(heat[h])] = .some(t.isNaN ? nil : t)
                if !t.isNaN && protected[c] { raise(SafetyThresholds.heatKind(heat[h]), heat[h], t, h) }
            }
            for h in 0..<cold.count {
                let t = coldCrossing[c * cold.count + h]
                coldCrossings[SafetyThresholds.key(cold[h])] = .some(t.isNaN ? nil : t)
                if !t.isNaN && protected[c] { raise(SafetyThresholds.coldKind(cold[h]), cold[h], t, 20 + h) }
            }
            if !cem43Flag[c].isNaN { raise("cem43", cem43Limit[c], cem43Flag[c], 40) }
            if !omegaFlag[c].isNaN { raise("omega", omegaLimit[c], omegaFlag[c], 41) }
            let p = tc.position * 1000
            out.append(RunSummary.ThermocoupleResult(
                name: tc.name, structure: tc.structure.rawValue, positionMm: [p.x, p.y, p.z],
                tMaxC: tMax[c], tMinC: tMin[c], cem43Min: cem43[c], omega: omega[c],
                crossingsS: crossings, coldCrossingsS: coldCrossings, flags: kinds))
        }
        flags.sort { ($0.flag.timeS, $0.order) < ($1.flag.timeS, $1.order) }
        return (out, flags.map(\.flag), interlockRecord())
    }

    /// The interlock's record: settings, first trips, overshoots and every trip as an event.
    private func interlockRecord() -> RunSummary.Interlock {
        func event(_ kind: String, _ trip: Trip?, _ limit: Double) -> RunSummary.InterlockEvent? {
            trip.map { RunSummary.InterlockEvent(timeS: $0.time, kind: kind, trigger: $0.trigger, thermocouple: thermocouples[$0.thermocouple].name,
                                                 thresholdC: limit, readingC: $0.reading, forecastC: $0.forecast, peakC: $0.peak) }
        }
        let events = [event("heat", heatTrip, interlock.thresholdC), event("cold", coldTrip, interlock.coldThresholdC)]
            .compactMap { $0 }.sorted { ($0.timeS, $0.kind) < ($1.timeS, $1.kind) }
        return RunSummary.Interlock(
            enabled: interlock.enabled, thresholdC: interlock.thresholdC, mode: interlock.mode.rawValue,
            trippedS: events.first?.timeS, overshootC: heatTrip.map { $0.peak - interlock.thresholdC },
            coldThresholdC: interlock.coldThresholdC, coldTrippedS: coldTrip?.time,
            coldOvershootC: coldTrip.map { interlock.coldThresholdC - $0.peak }, events: events)
    }
}

extension ThermocoupleMonitor: Checkpointable {
    /// Everything the monitor has accumulated, so a resumed run reports the same peaks,
    /// crossings, doses, flags and interlock history as an uninterrupted one.
    public func saveState(to w: inout StateWriter) {
        w.tag("monitor")
        w.write(powerFactor); w.write(lastTime); w.write(Int64(nextRecord))
        for a in [current, previous, tMax, tMin, cem43, omega, heatCrossing, coldCrossing, cem43Flag, omegaFlag, recordTimes] {
            w.write(a)
        }
        for column in recordValues { w.write(column) }
        for trip in [heatTrip, coldTrip] {
            w.write(trip?.time ?? .nan)
            if let t = trip {
                w.write(Int64(t.thermocouple)); w.write(t.trigger); w.write(t.reading); w.write(t.forecast ?? .nan); w.write(t.peak)
            }
        }
        for f in forecasts { w.write(f.times); w.write(f.values) }
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "monitor")
        powerFactor = try r.readDouble(); lastTime = try r.readDouble(); nextRecord = Int(try r.read(Int64.self))
        func read(_ expected: Int?) throws -> [Double] {
            let a = try r.readDoubles()
            if let expected, a.count != expected {
                throw SimulationError.invalidInput("\(r.context): checkpoint has \(a.count) monitor values where \(expected) were expected (different thermocouples?)")
            }
            return a
        }
        current = try read(n); previous = try read(n); tMax = try read(n); tMin = try read(n)
        cem43 = try read(n); omega = try read(n)
        heatCrossing = try read(n * thresholds.heatC.count); coldCrossing = try read(n * thresholds.coldC.count)
        cem43Flag = try read(n); omegaFlag = try read(n)
        recordTimes = try read(nil)
        recordValues = try (0..<n).map { _ in try read(recordTimes.count) }
        func trip() throws -> Trip? {
            let time = try r.readDouble()
            guard !time.isNaN else { return nil }
            let c = Int(try r.read(Int64.self))
            guard (0..<n).contains(c) else {
                throw SimulationError.invalidInput("\(r.context): checkpoint names interlock thermocouple \(c) of \(n)")
            }
            let trigger = try r.readString(), reading = try r.readDouble(), forecast = try r.readDouble(), peak = try r.readDouble()
            return Trip(time: time, thermocouple: c, trigger: trigger, reading: reading, forecast: forecast.isNaN ? nil : forecast, peak: peak)
        }
        heatTrip = try trip(); coldTrip = try trip()
        forecasts = try (0..<n).map { _ in
            let times = try read(nil)
            return ThermocoupleForecast(times: times, values: try read(times.count))
        }
    }
}
