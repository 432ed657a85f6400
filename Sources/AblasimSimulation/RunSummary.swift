import AblasimPhysics

/// The machine-readable result of one run: `summary.json`, schema `ablasim.summary/2`
/// (docs/summary.schema.json). Field names are the JSON keys (snake case); units are in the names.
public struct RunSummary: Codable, Equatable, Sendable {
    /// /2: non-finite values are null and listed in `non_finite` (/1 wrote "nan" strings).
    public static let currentSchema = "ablasim.summary/2"
    public var schema = RunSummary.currentSchema
    public var phantom: String
    public var modality: String
    public var probes: [Probe]
    public var simulatedS: Double
    public var wallS: Double
    public var voxels: Int
    public var steps: Int
    public var dtS: Double
    public var zones: Zones
    public var thermocouples: [ThermocoupleResult]
    public var flags: [Flag]
    public var interlock: Interlock
    /// Wall time split [s]: thermal steps, source updates (potential solves), output.
    public var timing: [String: Double]
    /// Work counters of the sources (potential solves, iterations...); null in summaries
    /// written before they were recorded.
    public var statistics: [String: Double]?
    /// The parameters that applied to the run, typed, by dotted key (`Scenario.registry`).
    public var parameters: [String: ScenarioValue]
    public var version: String
    /// Anatomy audit findings of the phantom (AnatomyAudit, and warnings an import stored
    /// with --force); null in summaries written before the audit existed.
    public var anatomyAudit: [String]? = nil
    /// Generator events of every source in time order (impedance cut-out, roll-off,
    /// resumed); null in summaries written before events were reported.
    public var events: [SourceEvent]? = nil

    public struct Probe: Codable, Equatable, Sendable {
        public var name: String
        public var channel: String
        public var tipMm: [Double]
        public var entryMm: [Double]
        public var energyJ: Double
        public init(name: String, channel: String, tipMm: [Double], entryMm: [Double], energyJ: Double) {
            self.name = name; self.channel = channel; self.tipMm = tipMm; self.entryMm = entryMm; self.energyJ = energyJ
        }
    }

    public struct Zones: Codable, Equatable, Sendable {
        /// Volume of ablated tissue (Omega >= 1 or T_max >= 60 C or CEM43 >= 240; cryo: <= -20 C) [ml].
        public var ablationMl: Double
        public var tumorMl: Double
        /// Fraction of tumour voxels inside the ablation zone (0..1); null without a tumour.
        public var tumorCoverage: Double?
        /// Connected components of the ablation zone (26-connectivity).
        public var components: Int
        /// True when the union of the probes' zones is one connected component containing every tip.
        public var coalescent: Bool
        /// Volume inside the 42 C and 60 C T_max isotherms [ml].
        public var t42Ml: Double
        public var t60Ml: Double
        /// Lethal ice volumes for cryo (T_min <= -20 C, <= -40 C) and the ice ball (<= 0 C) [ml].
        public var iceMl: Double
        public var lethalIce20Ml: Double
        public var lethalIce40Ml: Double
        public init(ablationMl: Double, tumorMl: Double, tumorCoverage: Double?, components: Int, coalescent: Bool,
                    t42Ml: Double, t60Ml: Double, iceMl: Double, lethalIce20Ml: Double, lethalIce40Ml: Double) {
            self.ablationMl = ablationMl; self.tumorMl = tumorMl; self.tumorCoverage = tumorCoverage
            self.components = components; self.coalescent = coalescent; self.t42Ml = t42Ml; self.t60Ml = t60Ml
            self.iceMl = iceMl; self.lethalIce20Ml = lethalIce20Ml; self.lethalIce40Ml = lethalIce40Ml
        }
    }

    public struct ThermocoupleResult: Codable, Equatable, Sendable {
        public var name: String
        /// "cord", "root" or "other".
        public var structure: String
        public var positionMm: [Double]
        public var tMaxC: Double
        public var tMinC: Double
        public var cem43Min: Double
        public var omega: Double
        /// First time [s] at or above 42, 45, 60 and 80 C; null if never. Keys "42", "45", "60", "80".
        public var crossingsS: [String: Double?]
        /// First time [s] at or below 10, 0 and -20 C (cryo); keys "10", "0", "-20".
        public var coldCrossingsS: [String: Double?]
        /// Kinds of flag raised at this thermocouple.
        public var flags: [String]
        public init(name: String, structure: String, positionMm: [Double], tMaxC: Double, tMinC: Double, cem43Min: Double,
                    omega: Double, crossingsS: [String: Double?], coldCrossingsS: [String: Double?], flags: [String]) {
            self.name = name; self.structure = structure; self.positionMm = positionMm; self.tMaxC = tMaxC; self.tMinC = tMinC
            self.cem43Min = cem43Min; self.omega = omega; self.crossingsS = crossingsS; self.coldCrossingsS = coldCrossingsS
            self.flags = flags
        }
    }

    public struct Flag: Codable, Equatable, Sendable {
        public var thermocouple: String
        /// e.g. "heat-42", "heat-45", "heat-60", "heat-80", "cem43", "omega", "cold-10", "cold-0", "cold-20".
        public var kind: String
        public var threshold: Double
        public var timeS: Double
        public init(thermocouple: String, kind: String, threshold: Double, timeS: Double) {
            self.thermocouple = thermocouple; self.kind = kind; self.threshold = threshold; self.timeS = timeS
        }
    }

    public struct Interlock: Codable, Equatable, Sendable {
        public var enabled: Bool
        public var thresholdC: Double
        public var mode: String
        /// Time the interlock first tripped, on heat or cold [s]; null if never.
        public var trippedS: Double?
        /// Highest protected-thermocouple temperature after the heat trip minus the threshold [C];
        /// null without a heat trip.
        public var overshootC: Double?
        /// Cold cut-off [C]; null in summaries written before cold limits existed.
        public var coldThresholdC: Double? = nil
        /// Time of the first cold trip [s]; null if never.
        public var coldTrippedS: Double? = nil
        /// Cold cut-off minus the coldest protected reading after the cold trip [C] (positive:
        /// went below the limit); null without a cold trip.
        public var coldOvershootC: Double? = nil
        /// Every trip in time order; null in summaries written before they were listed.
        public var events: [InterlockEvent]? = nil
        public init(enabled: Bool, thresholdC: Double, mode: String, trippedS: Double?, overshootC: Double?,
                    coldThresholdC: Double? = nil, coldTrippedS: Double? = nil, coldOvershootC: Double? = nil,
                    events: [InterlockEvent]? = nil) {
            self.enabled = enabled; self.thresholdC = thresholdC; self.mode = mode; self.trippedS = trippedS; self.overshootC = overshootC
            self.coldThresholdC = coldThresholdC; self.coldTrippedS = coldTrippedS; self.coldOvershootC = coldOvershootC
            self.events = events
        }
    }

    /// One interlock trip: when, on heat or cold, what triggered it (the reading reached the
    /// limit, or the predictive forecast did), at which thermocouple, the reading and forecast
    /// then, and the actual extreme of the protected readings from the trip on.
    public struct InterlockEvent: Codable, Equatable, Sendable {
        public var timeS: Double
        /// "heat" or "cold".
        public var kind: String
        /// "reading" (threshold or throttle band reached) or "forecast" (predictive mode).
        public var trigger: String
        public var thermocouple: String
        /// The limit acted on [C].
        public var thresholdC: Double
        /// The thermocouple's reading at the trip [C].
        public var readingC: Double
        /// The forecast extreme at the trip [C]; null for a reading trigger.
        public var forecastC: Double?
        /// Hottest (heat) or coldest (cold) protected reading from the trip to the end [C].
        public var peakC: Double
        public init(timeS: Double, kind: String, trigger: String, thermocouple: String, thresholdC: Double,
                    readingC: Double, forecastC: Double?, peakC: Double) {
            self.timeS = timeS; self.kind = kind; self.trigger = trigger; self.thermocouple = thermocouple
            self.thresholdC = thresholdC; self.readingC = readingC; self.forecastC = forecastC; self.peakC = peakC
        }
    }
}
