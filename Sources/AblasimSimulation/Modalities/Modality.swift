import AblasimCore
import AblasimPhantom
import AblasimPhysics

/// An ablation modality as a plug-in: what a scenario names it, its parameters, the
/// command-line flags that choose it and how it installs its applicators into a model.
/// `RunSetup`, the CLI, the memory budget and the parameter registry ask
/// `ModalityRegistry` instead of switching over modalities, so a new modality is one
/// folder (its `Modality`, its scenario settings, its physics) and one line in
/// `ModalityRegistry.builtIn` (a plug-in: one `ModalityRegistry.register` call).
public protocol Modality: Sendable {
    /// The scenario's `modality` value, also the prefix of every key it declares
    /// (`rf` -> `rf.power_w`).
    var name: ModalityName { get }
    /// Its scenario parameters, each key under `name.`; they join `Scenario.registry`.
    var parameters: [ScenarioParameter] { get }
    /// The `ablasim run` flags that choose it (`--bipolar`, `--cryo`), with what each sets.
    var flags: [ModalityFlag] { get }
    /// The key `--power` sets for this modality; nil when it has no power setting.
    var powerKey: String? { get }
    /// Memory its applicators allocate beyond the thermal state, for the run budget;
    /// `phantom` is nil for an estimate from the grid alone (then an upper bound).
    func memoryEstimate(grid: Grid3D, phantom: Phantom?, scenario: Scenario) -> [(what: String, bytes: Double)]
    /// Places the applicators (checked clear of the canal and roots), paints what they
    /// hold into `model` and returns their boundary conditions, heat sources and the probes the summary reports.
    func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation
}

extension Modality {
    public var powerKey: String? { nil }
    public func memoryEstimate(grid: Grid3D, phantom: Phantom?, scenario: Scenario) -> [(what: String, bytes: Double)] { [] }
}

/// A modality's identifier, the `modality` scenario value (`rf`, `cryo`); the built-in
/// names are declared beside their modalities.
public struct ModalityName: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
}

/// One `ablasim run` flag choosing a modality: `--name`, its help line, and the scenario
/// keys it sets (in order, before any other option).
public struct ModalityFlag: Sendable, Equatable {
    public var name: String
    public var help: String
    public var settings: [Setting]
    public struct Setting: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) { self.key = key; self.value = value }
    }
    public init(name: String, help: String, settings: [Setting]) {
        self.name = name; self.help = help; self.settings = settings
    }
}

/// What a modality's `install` works from: the phantom (landmarks, labels for the
/// neural-clearance check), the scenario and the executor its solvers may use.
public struct ModalityPlacement {
    public let phantom: Phantom
    public let scenario: Scenario
    public let executor: SlabExecutor
    public init(phantom: Phantom, scenario: Scenario, executor: SlabExecutor) {
        self.phantom = phantom; self.scenario = scenario; self.executor = executor
    }
}

/// What a modality installed: the temperatures its applicators hold (coolant, cryo
/// surfaces), its heat sources, the probes as the summary reports them, their tips
/// (continuous voxel indices, for the coalescence test) and the simulated time its
/// protocol needs. An applicator that does both is in both lists.
public struct ModalityInstallation {
    public var boundaries: [BoundaryCondition]
    public var sources: [HeatSource]
    public var probes: [RunSummary.Probe]
    public var tips: [SIMD3<Double>]
    /// Simulated time [s] the protocol needs (sequential RF, a cryo protocol).
    public var duration: Double
    /// Each applicator's inserted shaft as linear voxel indices, in `probes` order: the
    /// rasters the neural-clearance check passed (for the probe mask volume).
    public var shafts: [[Int]]
    public init(boundaries: [BoundaryCondition] = [], sources: [HeatSource], probes: [RunSummary.Probe], tips: [SIMD3<Double>], duration: Double,
                shafts: [[Int]] = []) {
        self.boundaries = boundaries; self.sources = sources; self.probes = probes; self.tips = tips; self.duration = duration
        self.shafts = shafts
    }
}
