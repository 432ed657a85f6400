import Foundation
import Yams
import AblasimCore
import AblasimPhantom
import AblasimPhysics
import AblasimSimulation

/// One published experiment, as a committed file of `experiments/` (format:
/// experiments/README.md): where it comes from, the bench phantom, the scenario, what is
/// measured and how, and the published value with its band.
public struct Experiment: Sendable {
    public enum Quantity: String, CaseIterable, Sendable {
        /// Lesion extent across the shaft at its largest cross-section [mm].
        case lesionWidth = "lesion_width"
        /// Lesion extent along the shaft [mm].
        case lesionLength = "lesion_length"
        /// How far the lesion reaches beyond the distal tip [mm].
        case beyondTip = "beyond_tip"
        /// Volume where the criterion holds [ml].
        case lesionVolume = "lesion_volume"
        /// Peak temperature at a named site [C].
        case siteMax = "site_max"
        /// Lowest temperature at a named site [C] (cryo).
        case siteMin = "site_min"
        /// Half the difference of the widths at `criterion` and at `inner`, at the largest
        /// cross-section [mm]: how far one isotherm lies inside another (cryo: -40 C inside 0 C).
        case isothermGap = "isotherm_gap"
        /// Energy delivered by all channels [J].
        case energy
        /// A tissue property of the model (for property-range checks) in its file unit.
        case tissueProperty = "tissue_property"
    }

    public var name: String
    public var title: String
    public var source: String
    public var reliability: String
    public var assumptions: String
    /// Why the simulation departs from the band, with the measured reason (optional).
    public var explanation = ""
    public var file: String
    public var phantom: BlockPhantom
    /// A generated vertebra instead of the block (`phantom: {vertebra: LEVEL, ...}`).
    public var vertebra: VertebraPhantomOptions?
    /// Scenario settings, in file order.
    public var scenario: [ScenarioYAML.Entry]
    /// Coarser settings for `--quick`: phantom keys (voxel_mm) and scenario keys.
    public var quickPhantom: [(String, String)] = []
    public var quickScenario: [ScenarioYAML.Entry] = []
    public var quantity: Quantity
    public var criterion: LesionMeasure.Criterion
    /// Lesion measures about the centre axis of all applicators (a multi-probe array)
    /// instead of the first applicator's (`measure.about: array`).
    public var aboutArray = false
    /// Width as the mean over directions or the largest diameter (`measure.width: mean|feret`).
    public var widthStatistic = LesionMeasure.WidthStatistic.mean
    /// The inner isotherm of `isotherm_gap` (`measure.inner`).
    public var inner: LesionMeasure.Criterion?
    /// Named site (site_max) or tissue.property (tissue_property).
    public var target: String?
    public var published: Double?
    public var low: Double
    public var high: Double
    public var unit: String
    public var publishedText: String

    /// A second run whose measure the first is compared with (`reference:` scenario keys on
    /// top of `scenario`): the published value is then a ratio or a difference.
    public enum Combination: String, CaseIterable, Sendable { case ratio, difference }
    public var reference: [ScenarioYAML.Entry] = []
    public var combination: Combination?

    public static let fileKeys = ["name", "title", "source", "reliability", "assumptions", "explanation", "phantom", "scenario", "quick", "reference", "measure", "published"]

    /// Reads an experiment file; every error names the file, line and key.
    public static func load(path: String) throws -> Experiment {
        let text = try ScenarioYAML.text(ofFile: path, what: "experiment file")
        guard let root = try ScenarioYAML.compose(text, file: path), let map = root.mapping else {
            throw SimulationError.invalidInput("\(path): an experiment file is a YAML mapping with keys \(fileKeys.joined(separator: ", "))")
        }
        func at(_ n: Node) -> String { n.mark.map { "\(path):\($0.line)" } ?? path }
        var fields: [String: Node] = [:]
        var keyNodes: [String: Node] = [:]
        for (k, v) in map {
            guard let key = k.string, fileKeys.contains(key) else {
                throw SimulationError.invalidInput("\(at(k)): unknown key '\(k.string ?? "?")'; valid: \(fileKeys.joined(separator: ", "))")
            }
            fields[key] = v; keyNodes[key] = k
        }
        func required(_ key: String) throws -> Node {
            guard let n = fields[key] else { throw SimulationError.invalidInput("\(path): '\(key)' is missing; an experiment needs \(fileKeys.filter { !["quick", "assumptions", "explanation"].contains($0) }.joined(separator: ", "))") }
            return n
        }
        func field(_ key: String) throws -> String {
            let n = try required(key)
            guard let s = n.scalar?.string, !s.isEmpty else { throw SimulationError.invalidInput("\(at(n)): \(key) must be a text") }
            return s
        }
        func recipe(_ node: Node, context: String) throws -> [(String, String, String)] {
            guard let m = node.mapping else { throw SimulationError.invalidInput("\(at(node)): \(context) must be a mapping of block phantom keys (\(BlockPhantom.keys.joined(separator: ", ")))") }
            return try m.map { k, v in
                let key = k.string ?? ""
                let value: String
                if let seq = v.sequence { value = seq.compactMap(\.string).joined(separator: key == "sites" || key == "inclusions" ? ";" : ",") }
                else if let s = v.string { value = s }
                else { throw SimulationError.invalidInput("\(at(v)): \(context).\(key) must be a value or a list") }
                return (key, value, at(k))
            }
        }
        let name = try field("name")
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw SimulationError.invalidInput("\(path): name '\(name)' may hold letters, digits, - _ . only")
        }
        var phantom = BlockPhantom()
        phantom.name = name
        let phantomRecipe = try recipe(try required("phantom"), context: "phantom")
        var vertebra: VertebraPhantomOptions? = nil
        if phantomRecipe.contains(where: { $0.0 == "vertebra" }) {
            var o = VertebraPhantomOptions()
            for (k, v, where_) in phantomRecipe { try ExperimentVertebra.set(&o, k, to: v, context: "\(where_): phantom") }
            vertebra = o
        } else {
            for (k, v, where_) in phantomRecipe {
                try phantom.set(k, to: v, context: "\(where_): phantom")
            }
        }
        let siteNames = vertebra != nil ? Landmarks.standardSites : phantom.sites.map(\.name)
        let scenarioNode = try required("scenario")
        guard let scenarioMap = scenarioNode.mapping else { throw SimulationError.invalidInput("\(at(scenarioNode)): scenario must be a mapping of scenario parameters") }
        let scenario = try ScenarioYAML.flatten(scenarioMap, file: path)
        var check = Scenario()
        for e in scenario { try check.set(e.key, to: e.value, context: e.location) }
        if check.modality == .rf, let probe = check.rf.probe, !ProbePreset.names.contains(probe) {
            throw SimulationError.invalidInput("\(path): rf.probe '\(probe)' is not a probe preset; presets: \(ProbePreset.names.joined(separator: ", "))")
        }
        var quickPhantom: [(String, String)] = []
        var quickScenario: [ScenarioYAML.Entry] = []
        if let q = fields["quick"] {
            guard let m = q.mapping else { throw SimulationError.invalidInput("\(at(q)): quick must be a mapping: voxel_mm (phantom) and scenario keys") }
            for e in try ScenarioYAML.flatten(m, file: path) {
                if var o = vertebra, ExperimentVertebra.keys.contains(e.key) {
                    try ExperimentVertebra.set(&o, e.key, to: e.value, context: "\(e.location): quick")
                    quickPhantom.append((e.key, e.value))
                } else if vertebra == nil, BlockPhantom.keys.contains(e.key) {
                    var p = phantom
                    do { try p.set(e.key, to: e.value, context: "\(e.location): quick") } catch let err as PhantomError { throw SimulationError.invalidInput(err.description) }
                    quickPhantom.append((e.key, e.value))
                } else {
                    var s = check
                    try s.set(e.key, to: e.value, context: "\(e.location): quick")
                    quickScenario.append(e)
                }
            }
        }
        var reference: [ScenarioYAML.Entry] = []
        if let r = fields["reference"] {
            guard let m = r.mapping else { throw SimulationError.invalidInput("\(at(r)): reference must be a mapping of scenario keys for the comparison run") }
            reference = try ScenarioYAML.flatten(m, file: path)
            var s = check
            for e in reference { try s.set(e.key, to: e.value, context: "\(e.location): reference") }
            if s.modality == .rf, let probe = s.rf.probe, !ProbePreset.names.contains(probe) {
                throw SimulationError.invalidInput("\(path): reference rf.probe '\(probe)' is not a probe preset; presets: \(ProbePreset.names.joined(separator: ", "))")
            }
        }
        let measureNode = try required("measure")
        guard let measure = measureNode.mapping else { throw SimulationError.invalidInput("\(at(measureNode)): measure must be a mapping with quantity and criterion") }
        guard let qText = measure["quantity"]?.string, let quantity = Quantity(rawValue: qText) else {
            throw SimulationError.invalidInput("\(at(measureNode)): measure.quantity must be one of \(Quantity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let criterion: LesionMeasure.Criterion
        do { criterion = try LesionMeasure.Criterion(text: measure["criterion"]?.string ?? "t50") } catch let e as CoreError {
            throw SimulationError.invalidInput("\(at(measureNode)): measure.criterion: \(e.description)")
        }
        let target = measure["target"]?.string
        var combination: Combination? = nil
        if let c = measure["combine"]?.string {
            guard let k = Combination(rawValue: c) else { throw SimulationError.invalidInput("\(at(measureNode)): measure.combine must be ratio or difference") }
            combination = k
        }
        guard (combination == nil) == reference.isEmpty else {
            throw SimulationError.invalidInput("\(at(measureNode)): measure.combine and the reference run go together: give both or neither")
        }
        var inner: LesionMeasure.Criterion? = nil
        if let t = measure["inner"]?.string {
            do { inner = try LesionMeasure.Criterion(text: t) } catch let e as CoreError { throw SimulationError.invalidInput("\(at(measureNode)): measure.inner: \(e.description)") }
        }
        guard (quantity == .isothermGap) == (inner != nil) else {
            throw SimulationError.invalidInput("\(at(measureNode)): isotherm_gap and measure.inner go together (the inner isotherm, e.g. tmin-40)")
        }
        var aboutArray = false
        if let a = measure["about"]?.string {
            guard a == "first" || a == "array" else { throw SimulationError.invalidInput("\(at(measureNode)): measure.about must be first (the first applicator's axis) or array (the centre axis of all applicators)") }
            aboutArray = a == "array"
        }
        var widthStatistic = LesionMeasure.WidthStatistic.mean
        if let w = measure["width"]?.string {
            guard let k = LesionMeasure.WidthStatistic(rawValue: w) else { throw SimulationError.invalidInput("\(at(measureNode)): measure.width must be mean (over directions across the shaft) or feret (the longest caliper diameter of the cross-section)") }
            widthStatistic = k
        }
        if quantity == .siteMax || quantity == .siteMin {
            guard let t = target, siteNames.contains(t) else {
                throw SimulationError.invalidInput("\(at(measureNode)): \(quantity.rawValue) needs measure.target naming one of the phantom's sites (\(siteNames.joined(separator: ", ")))")
            }
        }
        if quantity == .tissueProperty {
            let parts = (target ?? "").split(separator: ".").map(String.init)
            guard parts.count == 2, TissueTable.standard.tissues[parts[0]] != nil, TissueProperty.named(parts[1]) != nil else {
                throw SimulationError.invalidInput("\(at(measureNode)): tissue_property needs measure.target TISSUE.PROPERTY (e.g. muscle.conductivity)")
            }
        }
        let pubNode = try required("published")
        guard let pub = pubNode.mapping else { throw SimulationError.invalidInput("\(at(pubNode)): published must be a mapping with low, high, unit and text") }
        func number(_ key: String) throws -> Double? {
            guard let n = pub[key] else { return nil }
            guard let x = n.string.flatMap(Double.init), x.isFinite else { throw SimulationError.invalidInput("\(at(n)): published.\(key) must be a number") }
            return x
        }
        guard let low = try number("low"), let high = try number("high"), low <= high else {
            throw SimulationError.invalidInput("\(at(pubNode)): published needs low <= high (the band the simulation must fall in)")
        }
        guard let unit = pub["unit"]?.string, let pubText = pub["text"]?.string else {
            throw SimulationError.invalidInput("\(at(pubNode)): published needs unit and text (what the paper reports)")
        }
        var e = Experiment(name: name, title: try field("title"), source: try field("source"), reliability: try field("reliability"),
                          assumptions: fields["assumptions"]?.string ?? "", file: path, phantom: phantom, scenario: scenario,
                          quickPhantom: quickPhantom, quickScenario: quickScenario, quantity: quantity, criterion: criterion,
                          target: target, published: try number("value"), low: low, high: high, unit: unit, publishedText: pubText)
        e.reference = reference
        e.combination = combination
        e.vertebra = vertebra
        e.aboutArray = aboutArray
        e.widthStatistic = widthStatistic
        e.inner = inner
        e.explanation = fields["explanation"]?.string ?? ""
        return e
    }

    /// The phantom and scenario of this experiment (quick: with the `quick` settings).
    public func setup(quick: Bool, reference useReference: Bool = false) throws -> (Phantom, Scenario) {
        let built: Phantom
        if var o = vertebra {
            if quick { for (k, v) in quickPhantom { try ExperimentVertebra.set(&o, k, to: v, context: "\(file): quick") } }
            built = try ExperimentVertebra.build(o, context: file)
        } else {
            var recipe = phantom
            if quick { for (k, v) in quickPhantom { try recipe.set(k, to: v, context: "\(file): quick") } }
            do { built = try recipe.build() } catch let e as PhantomError { throw SimulationError.invalidInput("\(file): \(e.description)") }
        }
        var s = Scenario()
        for e in scenario + (quick ? quickScenario : []) + (useReference ? reference : []) { try s.set(e.key, to: e.value, context: e.location) }
        s.phantom = nil
        return (built, s)
    }
}
