/// Pole of an RF electrode.
public enum ElectrodePole: String, Sendable, Equatable {
    /// Driven by the generator output.
    case active
    /// The other output of a bipolar channel (current returns through it).
    case returning = "return"
}

/// One segment of a shaft, listed from the tip backwards.
public struct ShaftSegment: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case electrode(ElectrodePole)
        case insulation
    }
    public var kind: Kind
    /// Length along the shaft [m].
    public var length: Double

    public init(_ kind: Kind, length: Double) { self.kind = kind; self.length = length }
    public static func electrode(_ pole: ElectrodePole, length: Double) -> ShaftSegment { ShaftSegment(.electrode(pole), length: length) }
    public static func insulation(length: Double) -> ShaftSegment { ShaftSegment(.insulation, length: length) }
}

/// Internal cooling of a probe: coolant circulating inside the shaft.
public struct ProbeCooling: Sendable, Equatable {
    /// Coolant temperature [C].
    public var coolantTemperature: Double
    /// Film coefficient between the shaft wall and the tissue [W/(m^2 K)].
    public var filmCoefficient: Double

    public init(coolantTemperature: Double, filmCoefficient: Double) {
        self.coolantTemperature = coolantTemperature
        self.filmCoefficient = filmCoefficient
    }
}

/// A thermocouple built into a probe.
public struct ProbeThermocouple: Sendable, Equatable {
    public var name: String
    /// Distance from the tip back along the shaft [m] (0 at the tip).
    public var distanceFromTip: Double
    /// Distance from the shaft axis [m]; nil puts the junction in the shaft (it then reads
    /// the steel's temperature there in the near-field model, the tissue at the shaft
    /// surface in the voxel model).
    public var radialOffset: Double?
    /// First-order response time of the junction [s] (0: none): the reading follows
    /// dT_read/dt = (T - T_read) / tau.
    public var timeConstant: Double

    public init(name: String, distanceFromTip: Double, radialOffset: Double? = nil, timeConstant: Double = 0) {
        self.name = name; self.distanceFromTip = distanceFromTip; self.radialOffset = radialOffset
        self.timeConstant = timeConstant
    }
}

/// A straight RF probe: a shaft from `entry` to `tip` with electrodes, insulation, optional
/// internal cooling and its own thermocouples.
///
/// Segments are listed from the tip backwards; the rest of the shaft up to the entry is
/// insulated. A probe with only active electrodes is monopolar (current returns through the
/// grounding pad); with active and return electrodes it is bipolar.
public struct Probe: Sendable, Equatable {
    public var name: String
    /// World position [m] (RAS) where the shaft enters the model (may lie outside the grid).
    public var entry: SIMD3<Double>
    /// World position of the tip [m]; must lie inside the grid.
    public var tip: SIMD3<Double>
    /// Shaft radius [m].
    public var radius: Double
    public var segments: [ShaftSegment]
    public var cooling: ProbeCooling?
    public var thermocouples: [ProbeThermocouple]
    /// Index of the thermocouple a temperature-controlled generator regulates on.
    public var controlThermocouple: Int?
    /// Preset the probe came from, if any.
    public var preset: String?

    public init(name: String, entry: SIMD3<Double>, tip: SIMD3<Double>, radius: Double, segments: [ShaftSegment],
                cooling: ProbeCooling? = nil, thermocouples: [ProbeThermocouple] = [], controlThermocouple: Int? = nil,
                preset: String? = nil) {
        self.name = name; self.entry = entry; self.tip = tip; self.radius = radius; self.segments = segments
        self.cooling = cooling; self.thermocouples = thermocouples; self.controlThermocouple = controlThermocouple
        self.preset = preset
    }

    public var isBipolar: Bool { segments.contains { $0.kind == .electrode(.returning) } }
    /// Shaft length from entry to tip [m].
    public var length: Double { ((tip - entry) * (tip - entry)).sum().squareRoot() }
    /// Unit vector from the tip towards the entry.
    public var backward: SIMD3<Double> { (entry - tip) / length }

    /// World position at a distance [m] back from the tip along the shaft.
    public func point(fromTip d: Double) -> SIMD3<Double> { tip + backward * d }

    /// Checks the probe's own values; `context` names where it came from.
    public func validate(context: String) throws {
        func bad(_ m: String) -> PhysicsError { .invalidInput("\(context): probe '\(name)': \(m)") }
        for (label, p) in [("entry", entry), ("tip", tip)] where !(p.x.isFinite && p.y.isFinite && p.z.isFinite) {
            throw bad("\(label) \(p) is not finite")
        }
        guard length > 1e-4 else { throw bad("entry and tip coincide (shaft length \(length * 1000) mm); they must be at least 0.1 mm apart") }
        // 0.1 mm to 5 mm radius: 30 G needles to 10 G trocars, far beyond any RF probe.
        guard radius.isFinite, radius >= 1e-4, radius <= 5e-3 else {
            throw bad("radius \(radius * 1000) mm is not valid; RF probes have radii of 0.1 to 5 mm")
        }
        guard segments.contains(where: { if case .electrode(.active) = $0.kind { return true }; return false }) else {
            throw bad("it has no active electrode")
        }
        for (n, s) in segments.enumerated() where !(s.length.isFinite && s.length > 0) {
            throw bad("segment \(n) has length \(s.length * 1000) mm; lengths must be > 0")
        }
        let total = segments.reduce(0) { $0 + $1.length }
        guard total <= length + 1e-9 else {
            throw bad(String(format: "electrodes and gaps span %.1f mm but the shaft from entry to tip is only %.1f mm", total * 1000, length * 1000))
        }
        if let c = cooling {
            guard c.coolantTemperature.isFinite, c.coolantTemperature > -50, c.coolantTemperature < 100 else {
                throw bad("coolant temperature \(c.coolantTemperature) C is not valid; use -50 to 100 C")
            }
            guard c.filmCoefficient.isFinite, c.filmCoefficient > 0 else {
                throw bad("cooling film coefficient \(c.filmCoefficient) W/(m^2 K) must be finite and > 0")
            }
        }
        for t in thermocouples where !(t.distanceFromTip.isFinite && t.distanceFromTip >= -0.02 && t.distanceFromTip <= length) {
            throw bad("thermocouple '\(t.name)' at \(t.distanceFromTip * 1000) mm from the tip is not on the shaft (0 to \(length * 1000) mm)")
        }
        for t in thermocouples where !(t.timeConstant.isFinite && t.timeConstant >= 0 && t.timeConstant <= 60) {
            throw bad("thermocouple '\(t.name)' time constant \(t.timeConstant) s is not valid; use 0 to 60 s")
        }
        if let c = controlThermocouple, !thermocouples.indices.contains(c) {
            throw bad("control thermocouple \(c) does not exist; the probe has \(thermocouples.count)")
        }
    }
}
