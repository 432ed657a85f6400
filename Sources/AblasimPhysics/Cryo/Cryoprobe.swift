import AblasimCore

/// A cryoprobe: its gauge, its freezing (active) length and how it takes heat out of the
/// tissue.
///
/// Two models of the freezing zone's surface:
/// - `isothermal`: held at a surface temperature (the calibrated model, docs/cryo.md: an
///   effective -90 C reproduces Littrup 2009's single 2.4 mm probe).
/// - `gasFlow`: the argon expanding behind the wall (Joule-Thomson) at `gasTemperature`
///   takes heat through a film coefficient h_f in series with the tissue's half cell, and
///   at most `maximumPower` (the gas flow's capacity): while the film would extract more,
///   the probe's temperature rises so that it extracts exactly that (set once per step
///   from the tissue around it). Such a probe warms above the gas temperature in a high heat
///   load, which an isothermal surface does not (the reason -150 C held overestimated the
///   lethal ice by two thirds).
public struct Cryoprobe: Equatable, Sendable {
    public enum HeatExtraction: Equatable, Sendable {
        case isothermal(surfaceTemperature: Double)
        /// Gas at `gasTemperature` [C], film coefficient [W/(m^2 K)] over the probe's outer
        /// surface pi d L, at most `maximumPower` [W] extracted.
        case gasFlow(gasTemperature: Double, filmCoefficient: Double, maximumPower: Double)
    }

    public var name: String
    /// Outer diameter [m] (gauge), 0.8 to 5 mm.
    public var outerDiameter: Double
    /// Length of the freezing zone behind the tip [m]; the shaft behind it is vacuum insulated.
    public var freezingLength: Double
    /// Length of the shaft [m]; the freezing zone must fit on it.
    public var shaftLength: Double
    public var extraction: HeatExtraction

    public init(name: String, outerDiameter: Double, freezingLength: Double, shaftLength: Double = 0.175,
                extraction: HeatExtraction) throws {
        self.name = name; self.outerDiameter = outerDiameter; self.freezingLength = freezingLength
        self.shaftLength = shaftLength; self.extraction = extraction
        try validate()
    }

    /// Outer radius [m].
    public var radius: Double { outerDiameter / 2 }

    /// Outer surface of the freezing zone [m^2]: pi d L.
    public var freezingSurface: Double { Double.pi * outerDiameter * freezingLength }

    public func validate() throws {
        func bad(_ what: String, _ v: Double, _ valid: String) -> PhysicsError {
            .invalidInput(String(format: "cryoprobe '%@': %@ %g is out of range; valid: %@", name, what, v, valid))
        }
        guard outerDiameter.isFinite, outerDiameter >= 0.8e-3, outerDiameter <= 5e-3 else {
            throw bad("outer diameter [mm]", outerDiameter * 1000, "[0.8, 5] mm")
        }
        guard shaftLength.isFinite, shaftLength > 0, shaftLength <= 0.4 else {
            throw bad("shaft length [mm]", shaftLength * 1000, "(0, 400] mm")
        }
        guard freezingLength.isFinite, freezingLength > 0, freezingLength <= 0.1 else {
            throw bad("freezing length [mm]", freezingLength * 1000, "(0, 100] mm")
        }
        guard freezingLength <= shaftLength else {
            throw PhysicsError.invalidInput(String(format: "cryoprobe '%@': freezing length %g mm is longer than the shaft (%g mm); it must fit on it",
                                       name, freezingLength * 1000, shaftLength * 1000))
        }
        switch extraction {
        case .isothermal(let t):
            guard t.isFinite, t >= -196, t <= -20 else { throw bad("surface temperature [C]", t, "[-196, -20] C") }
        case .gasFlow(let t, let h, let p):
            guard t.isFinite, t >= -196, t <= -20 else { throw bad("gas temperature [C]", t, "[-196, -20] C") }
            guard h.isFinite, h > 0, h <= 1e5 else { throw bad("film coefficient [W/(m^2 K)]", h, "(0, 1e5] W/(m^2 K)") }
            guard p.isFinite, p > 0, p <= 500 else { throw bad("maximum extraction power [W]", p, "(0, 500] W") }
        }
    }

    /// The probe's axis for a tip position and insertion direction (world coordinates, m).
    public func axis(tip: SIMD3<Double>, direction: SIMD3<Double>) throws -> ApplicatorAxis {
        try ApplicatorAxis(tip: tip, direction: direction, radius: radius)
    }

    /// Normal boiling point of argon, 87.30 K = -185.85 C (NIST Chemistry WebBook, argon
    /// phase-change data): the temperature of the two-phase argon behind a Joule-Thomson
    /// expansion at about ambient return pressure.
    public static let argonBoilingPoint = -185.85

    /// Presets of argon Joule-Thomson probe families by gauge. Sources and assumptions:
    /// - gauges: 2.4 and 1.7 mm, the Endocare probes of Littrup 2009 (JVIR 20:1343); 1.5 mm,
    ///   the 17 G (1.47 mm, ISO 9626) needles of Galil/BTG (IceRod, IceSeed) and PMC4850244;
    /// - the model: a convective exchange between the cryogen and the probe (film coefficient
    ///   and cryogen temperature), the boundary condition Etheridge et al. 2013 (J Biomech Eng
    ///   135:021002, doi 10.1115/1.4023237) found to describe single and interacting probes in gel; each probe has its
    ///   own gas supply and capacity (Sprenkle et al., J Endourol, doi 10.1089/end.2009.0587: firing several
    ///   probes did not change each probe's cooling);
    /// - gas at argon's normal boiling point (NIST Chemistry WebBook);
    /// - assumed, no vendor data sheet or measured value was available: freezing lengths of
    ///   25 / 30 / 35 mm (ice balls of such probes are 3-5 cm long); one film coefficient,
    ///   1000 W/(m^2 K), for every gauge (same gas, same wall), the value at which a 2.4 mm probe
    ///   in 39 C gel runs near the -90 C effective surface that reproduces Littrup 2009's single
    ///   probe (so it carries that one calibration, not a fit to the multi-probe experiments);
    ///   the capacity, 60 W at 2.4 mm scaled with the supply's cross-section (d^2), above what
    ///   a probe draws after the first minute in 39 C gel, so it limits only the start.
    /// The multi-probe, gauge-ratio and isotherm-gap experiments (experiments/, docs/cryo.md)
    /// are checks of this one parameter set, none tuned to them.
    public static let presets: [String: Cryoprobe] = {
        func argon(_ name: String, _ d: Double, _ length: Double) -> Cryoprobe {
            let capacity = 60 * (d / 2.4e-3) * (d / 2.4e-3)
            return try! Cryoprobe(name: name, outerDiameter: d, freezingLength: length,
                                  extraction: .gasFlow(gasTemperature: argonBoilingPoint, filmCoefficient: 1000, maximumPower: capacity))
        }
        return ["argon-1.5": argon("argon-1.5", 1.5e-3, 25e-3),
                "argon-1.7": argon("argon-1.7", 1.7e-3, 30e-3),
                "argon-2.4": argon("argon-2.4", 2.4e-3, 35e-3)]
    }()

    /// The `held` probe model's geometry: a 2.4 mm argon probe (Littrup 2009's, the
    /// calibration of `CryoSettings.calibratedFreezeTemperature`) with a 35 mm freezing zone
    /// (assumed: its ice ball is about 4-5 cm long, docs/cryo.md).
    public static let heldDefault = try! Cryoprobe(name: "held", outerDiameter: 2.4e-3, freezingLength: 35e-3,
                                                  extraction: .isothermal(surfaceTemperature: CryoSettings.calibratedFreezeTemperature))

    /// The preset called `name`; a clear error listing the valid names otherwise.
    public static func preset(named name: String) throws -> Cryoprobe {
        guard let p = presets[name] else {
            throw PhysicsError.invalidInput("unknown cryoprobe preset '\(name)'; valid: \(presets.keys.sorted().joined(separator: ", "))")
        }
        return p
    }
}
