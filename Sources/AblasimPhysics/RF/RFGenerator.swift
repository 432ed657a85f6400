/// What an RF generator channel does with its output power.
public enum RFGeneratorMode: Sendable, Equatable {
    /// Constant output power P [W].
    case constantPower(watts: Double)
    /// Power ramp P(t) = min(start + rate t, ceiling), t from the channel's start [W, W/s, W].
    case ramp(startWatts: Double, wattsPerSecond: Double, ceilingWatts: Double)
    /// PI control of the probe's control thermocouple to `target` [C]:
    /// P = clamp(kp e + ki integral(e dt), 0, maxPower), e = target - T_tc [K],
    /// kp [W/K], ki [W/(K s)], with conditional integration (no wind-up while saturated).
    case temperatureControlled(target: Double, maxPower: Double, kp: Double, ki: Double)

    /// Temperature control with the default gains, kp = 0.5 W/K and ki = 0.05 W/(K s)
    /// (assumed: a 10 s integral time, chosen on the coarse test scenarios so the tip
    /// reaches its set point within ~60 s without sustained oscillation).
    public static func temperatureControlled(target: Double, maxPower: Double) -> RFGeneratorMode {
        .temperatureControlled(target: target, maxPower: maxPower, kp: 0.5, ki: 0.05)
    }
}

/// Impedance cut-out: the generator stops a channel when its load impedance rises past
/// `riseFactor` times the lowest impedance seen since the channel started (tissue
/// vaporization at the electrode, "roll-off"), and restarts it after `pause` seconds
/// (nil: off for the rest of the run). The defaults are assumed, in the spirit of the
/// impedance-controlled pulsing of commercial RF generators (power off for some seconds
/// after an impedance rise); they are not a manufacturer's values.
public struct ImpedanceCutout: Sendable, Equatable {
    public var riseFactor: Double
    public var pause: Double?

    /// Cut when Z > 2 Z_min, resume after 15 s (assumed, see above).
    public static let standard = ImpedanceCutout(riseFactor: 2, pause: 15)

    public init(riseFactor: Double, pause: Double?) { self.riseFactor = riseFactor; self.pause = pause }
}

/// One generator channel: its mode, impedance cut-out and when it is on.
public struct RFGenerator: Sendable, Equatable {
    public var mode: RFGeneratorMode
    public var cutout: ImpedanceCutout?
    /// Largest change of the temperature controller's power [W/s] (slew-rate limit; the
    /// other modes follow their own schedule). Assumed 2 W/s: the
    /// generator ramps rather than jumps, which keeps the PI loop from chattering on a
    /// thermocouple that sits in the steepest heating (an uncooled tip answers a 1 W step
    /// within one thermal step); a 20 W set point is reached in 10 s.
    public var maxSlewRate: Double = 2
    /// Simulated time the channel switches on [s].
    public var start: Double
    /// Simulated time the channel switches off [s] (infinity: never).
    public var stop: Double

    /// The largest power accepted [W]: clinical RF generators deliver at most about
    /// 200-250 W (e.g. 200 W for the cooled-tip liver systems, Haemmerich 2010 review);
    /// anything above is an input error.
    public static let maximumPower = 250.0

    public init(mode: RFGeneratorMode, cutout: ImpedanceCutout? = .standard, start: Double = 0, stop: Double = .infinity) {
        self.mode = mode; self.cutout = cutout; self.start = start; self.stop = stop
    }

    public func validate(context: String) throws {
        func power(_ w: Double, _ what: String) throws {
            guard w.isFinite, w >= 0, w <= Self.maximumPower else {
                throw PhysicsError.invalidInput("\(context): \(what) \(w) W is not valid; RF power must be 0 to \(Int(Self.maximumPower)) W")
            }
        }
        switch mode {
        case .constantPower(let w): try power(w, "power")
        case .ramp(let s, let r, let c):
            try power(s, "ramp start power"); try power(c, "ramp ceiling")
            guard r.isFinite, r >= 0 else { throw PhysicsError.invalidInput("\(context): ramp rate \(r) W/s must be finite and >= 0") }
        case .temperatureControlled(let t, let p, let kp, let ki):
            try power(p, "maximum power")
            // Above 100 C the tissue vaporizes; below 37 C the generator never heats.
            guard t.isFinite, t > 37, t <= 110 else {
                throw PhysicsError.invalidInput("\(context): target temperature \(t) C is not valid; use 37 to 110 C")
            }
            guard kp.isFinite, kp >= 0, ki.isFinite, ki >= 0, kp + ki > 0 else {
                throw PhysicsError.invalidInput("\(context): controller gains kp = \(kp) W/K, ki = \(ki) W/(K s) must be finite, >= 0 and not both 0")
            }
        }
        if let c = cutout {
            guard c.riseFactor.isFinite, c.riseFactor > 1 else {
                throw PhysicsError.invalidInput("\(context): impedance cut-out factor \(c.riseFactor) must be > 1")
            }
            if let p = c.pause, !(p.isFinite && p > 0) {
                throw PhysicsError.invalidInput("\(context): impedance cut-out pause \(p) s must be finite and > 0")
            }
        }
        guard maxSlewRate > 0, !maxSlewRate.isNaN else {
            throw PhysicsError.invalidInput("\(context): power slew rate \(maxSlewRate) W/s must be > 0 (infinity: no limit)")
        }
        guard start.isFinite, start >= 0, stop > start, !stop.isNaN else {
            throw PhysicsError.invalidInput("\(context): channel on from \(start) s to \(stop) s is not valid; need 0 <= start < stop")
        }
    }

    /// Whether the channel is switched on at time t [s].
    public func isOn(at t: Double) -> Bool { t >= start && t < stop }
}

/// Controller state of one channel (integral term, impedance baseline, cut-out).
struct GeneratorState {
    var integral = 0.0
    var minImpedance = Double.infinity
    var cutUntil: Double? = nil
    var power = 0.0
    var voltage = 0.0
    var impedance: Double? = nil
    var energy = 0.0
    var probeTemperature: Double? = nil

    /// Commanded power [W] at time t for a control reading `tc` [C], before the cut-out and
    /// the interlock gate. `dt` [s] is the step the power will be applied over.
    mutating func command(_ g: RFGenerator, time t: Double, dt: Double, tc: Double?) -> Double {
        guard g.isOn(at: t) else { lastCommand = 0; return 0 }
        let target = raw(g, time: t, dt: dt, tc: tc)
        guard case .temperatureControlled = g.mode else { lastCommand = target; return target }
        let step = g.maxSlewRate * dt
        lastCommand = min(max(target, lastCommand - step), lastCommand + step)
        return lastCommand
    }

    var lastCommand = 0.0
    /// The integral before this step's command (transient, within one update).
    private var integralBeforeCommand = 0.0

    /// Tells the controller that no power reached the tissue this step (an impedance
    /// cut-out, or the interlock's gate at 0). The controller then tracks the disconnected
    /// actuator (anti-windup by tracking, Astrom & Hagglund, Advanced PID Control, ISA 2006,
    /// sec. 3.5): the integral keeps its value from before the step instead of growing on an
    /// error the generator could not act on, and the slew limit starts again from 0 W.
    /// Without this a channel paused by a cut-out winds its integral up for the whole pause
    /// and resumes at once at the wound-up command (14 W and an 83 C tip after the 64 s
    /// cut-out of the default bipolar run, set point 70 C). A partial interlock throttle is
    /// not tracked: it scales the controller's output, which keeps its own state.
    mutating func outputDisconnected() {
        integral = min(integral, integralBeforeCommand)
        lastCommand = 0
    }

    private mutating func raw(_ g: RFGenerator, time t: Double, dt: Double, tc: Double?) -> Double {
        switch g.mode {
        case .constantPower(let w): return w
        case .ramp(let s, let r, let c): return min(s + r * (t - g.start), c)
        case .temperatureControlled(let target, let pmax, let kp, let ki):
            integralBeforeCommand = integral
            guard let tc else { return 0 }
            let e = target - tc
            let unclamped = kp * e + ki * integral
            // Conditional integration: integrate unless saturated and the error pushes further.
            if !((unclamped >= pmax && e > 0) || (unclamped <= 0 && e < 0)) { integral += e * dt }
            return min(max(kp * e + ki * integral, 0), pmax)
        }
    }
}
