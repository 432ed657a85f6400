import ArgumentParser
import Foundation
import AblasimCore
import AblasimPhantom
import AblasimSimulation
import AblasimOutput
import AblasimPhysics

/// `ablasim run`: one simulation on a phantom. Options are translated into scenario keys and
/// applied on top of the scenario file through `Scenario.set`, so a command line, a
/// scenario file and a sweep axis mean exactly the same thing.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate one ablation on a phantom and check the cord and nerve roots.",
        discussion: """
        EXAMPLES
          Simultaneous bipedicular bipolar RF (two cooled probes along the pedicle axes):
            ablasim run Phantoms/L1-lytic.vox --bipolar --out out/L1
          One probe through the left pedicle, 8 minutes, 15 W ceiling, 75 C set point:
            ablasim run Phantoms/L1-lytic.vox --bipolar --unipedicular left --duration 480 --power 15 --target-temp 75 --out out/L1-left
          The two probes one after the other, epidural CO2 dissection, an extra cord thermocouple:
            ablasim run Phantoms/T11-lytic.vox --bipolar --sequential --epidural co2 --thermocouple extra@0,-12,5:cord --out out/T11-seq
          Everything else from a scenario file, with one value overridden:
            ablasim run Phantoms/L1-lytic.vox --scenario my.yaml --set tissue.tumor_lytic.perfusion_ml_min_kg=250 --out out/x
          One probe along your own path, entry then tip in mm (a shaft through the spinal canal or
          a nerve root is refused with exit 2; docs/placement.md):
            ablasim run Phantoms/L1-lytic.vox --bipolar --set 'trajectories=p1@-18.5,-34,4.7->-9,4.1,1.9' --out out/L1-p1
          Study the unprotected case and fail (exit 1) if any flag is raised:
            ablasim run Phantoms/L1-lytic.vox --bipolar --no-interlock --fail-on-flag --out out/unprotected

        Ex vivo bench run (start and bath at 20 C, no perfusion anywhere):
            ablasim run block.vox --monopolar --set initial_temp_c=20 --set boundary.condition=convective --set boundary.temp_c=20 --set 'tissue.*.perfusion_ml_min_kg=0' --out out/bench

        SCENARIO KEYS (for --set, scenario files and sweep axes; docs/parameters.md has the sources)
        \(Scenario.helpText)
        Budgets: a run is refused (exit 2, with the estimate) before it starts when its memory
        exceeds --max-memory or it needs more time steps than --max-steps.
        Exit codes: 0 ok, 1 a flag was raised with --fail-on-flag, 2 bad input, 3 runtime failure,
        143 stopped by SIGTERM after writing a checkpoint (continue with --resume).
        """)

    @Argument(help: "Phantom file (.vox). May also come from the scenario file's 'phantom' key.", completion: .file(extensions: ["vox"]))
    var phantom: String?

    /// The modality flags (--bipolar, --monopolar, --microwave, ...), from `ModalityRegistry`.
    @Flag var modalityFlags: [ModalityChoice] = []

    /// A single pedicle.
    enum Side: String, CaseIterable, ExpressibleByArgument { case left, right }
    @Option(help: "One probe only, through the left or right pedicle.") var unipedicular: Side?
    @Flag(help: "Run the probes one after the other instead of simultaneously.") var sequential = false
    @Option(help: "Probe preset (see the RF documentation).", completion: .list(ProbePreset.names)) var probe: String?
    @Option(parsing: .unconditional, help: "Simulated time [s].") var duration: Double?
    @Option(parsing: .unconditional, help: "Power [W]: RF ceiling or set power; microwave or laser power.") var power: Double?
    @Option(name: .customLong("target-temp"), parsing: .unconditional, help: "RF probe set temperature [C].") var targetTemp: Double?
    @Option(parsing: .unconditional, help: "Microwave frequency [MHz]: 915 or 2450.") var frequency: Double?
    @Option(parsing: .unconditional, help: "Laser wavelength [nm].") var wavelength: Double?
    @Option(parsing: .unconditional, help: "Laser energy to deliver [J].") var energy: Double?
    @Option(parsing: .unconditional, help: "Number of cryo probes.") var probes: Int?
    @Option(name: .customLong("protocol"), help: "Cryo freeze,thaw,freeze phases [min], e.g. 10,8,10.") var cryoProtocol: String?
    @Option(help: "Epidural thermoprotection.") var epidural: Scenario.Dissection?
    @Option(help: "Extra thermocouple NAME@x,y,z[:cord|root|other], mm (repeatable).") var thermocouple: [String] = []
    @Flag(name: .customLong("no-interlock"), help: "Study the unprotected case: no generator interlock.") var noInterlock = false
    @Option(name: .customLong("interlock-threshold"), parsing: .unconditional, help: "Interlock cut-off at a cord/root thermocouple [C].") var interlockThreshold: Double?
    @Option(name: .customLong("interlock-mode"), help: "Interlock action.") var interlockMode: Scenario.InterlockMode?
    @Option(help: "Scenario file (YAML); command-line options override it.", completion: .file(extensions: ["yaml", "yml"])) var scenario: String?
    @Option(name: .customLong("set"), help: "Set a scenario key, KEY=VALUE (repeatable).") var settings: [String] = []
    @Option(help: "Output directory (default out/<phantom name>).", completion: .directory) var out: String?
    @Option(parsing: .unconditional, help: "Threads (default: all cores).") var threads: Int?
    @Flag(help: "Replace a previous run's results in the output directory.") var overwrite = false
    @Flag(help: "Continue from the checkpoint in the output directory.") var resume = false
    @Flag(help: "Also write volumes.vti for ParaView.") var vti = false
    @Flag(help: "No progress line or final table.") var quiet = false
    @Flag(name: .customLong("allow-unused"), help: "Accept tissue overrides naming tissues the phantom does not contain.") var allowUnused = false
    @Flag(name: .customLong("fail-on-flag"), help: "Exit 1 when any safety flag is raised.") var failOnFlag = false
    @Option(name: .customLong("max-memory"), help: "Refuse a run whose estimated memory exceeds this, e.g. 8G, 512M (default: 80 % of physical memory).")
    var maxMemory: String?
    @Option(name: .customLong("max-steps"), help: "Refuse a run that needs more time steps than this (default \(RunBudget.defaultMaxSteps)).")
    var maxSteps: Int?

    /// The budget from --max-memory and --max-steps.
    func budget() throws -> RunBudget {
        var b = RunBudget()
        if let maxMemory {
            guard let bytes = RunCommand.parseBytes(maxMemory), bytes > 0 else {
                throw SimulationError.invalidInput("--max-memory '\(maxMemory)' is not a memory size; give a number with an optional K, M, G or T suffix (powers of 1024), e.g. 8G or 512M")
            }
            b.maxMemoryBytes = bytes
        }
        if let maxSteps {
            guard maxSteps >= 1 else { throw SimulationError.invalidInput("--max-steps must be >= 1 (got \(maxSteps))") }
            b.maxSteps = maxSteps
        }
        return b
    }

    /// "8G" -> 8 * 1024^3; a plain number is bytes.
    static func parseBytes(_ text: String) -> Double? {
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("B") { t.removeLast() }
        var scale = 1.0
        if let last = t.last, let u = units[last] { scale = u; t.removeLast() }
        guard let v = Double(t), v.isFinite, v > 0 else { return nil }
        return v * scale
    }

    /// Options that exclude each other, checked before any file is read.
    func validate() throws {
        if Set(modalityFlags).count > 1 {
            throw ValidationError("choose one of " + ModalityChoice.allCases.map { "--" + $0.flag.name }.joined(separator: ", "))
        }
        if resume && overwrite { throw ValidationError("--resume continues a run and --overwrite replaces it: give one") }
    }
    @Flag(name: .customLong("check-bounds"), help: "Verify after every step that no voxel leaves the maximum-principle bounds of the held, boundary, initial and arterial temperatures (plus what sources add); a violation stops the run (exit 3).") var checkBounds = false

    /// The scenario this command line describes.
    func makeScenario() throws -> Scenario {
        var s = Scenario()
        if let scenario { s = try Scenario.load(yamlAt: scenario) }
        var sets: [(String, String, String)] = []
        func add(_ key: String, _ value: String?, _ option: String) { if let value { sets.append((key, value, option)) } }
        for setting in modalityFlags.first?.flag.settings ?? [] { add(setting.key, setting.value, "--" + modalityFlags[0].flag.name) }
        add("phantom", phantom, "phantom argument")
        add("rf.placement", unipedicular?.rawValue, "--unipedicular")
        if sequential { add("rf.sequential", "true", "--sequential") }
        add("rf.probe", probe, "--probe")
        add("duration_s", duration.map { "\($0)" }, "--duration")
        add("rf.target_temp_c", targetTemp.map { "\($0)" }, "--target-temp")
        add("microwave.frequency_mhz", frequency.map { "\($0)" }, "--frequency")
        add("laser.wavelength_nm", wavelength.map { "\($0)" }, "--wavelength")
        add("laser.energy_j", energy.map { "\($0)" }, "--energy")
        add("cryo.probes", probes.map { "\($0)" }, "--probes")
        add("cryo.protocol_min", cryoProtocol, "--protocol")
        add("thermoprotection.epidural", epidural?.rawValue, "--epidural")
        if noInterlock { add("interlock.enabled", "false", "--no-interlock") }
        add("interlock.threshold_c", interlockThreshold.map { "\($0)" }, "--interlock-threshold")
        add("interlock.mode", interlockMode?.rawValue, "--interlock-mode")
        add("threads", threads.map { "\($0)" }, "--threads")
        if allowUnused { add("allow_unused_overrides", "true", "--allow-unused") }
        for (key, value, option) in sets { try s.set(key, to: value, context: option) }
        // --power sets the power of the modality the run ends up with, whichever of the
        // scenario file or a flag chose it.
        if let power {
            guard let key = ModalityRegistry.named(s.modality)?.powerKey else {
                throw SimulationError.invalidInput("--power does not apply to a \(s.modality.rawValue) run; see ablasim run --help for its keys")
            }
            try s.set(key, to: "\(power)", context: "--power")
        }
        for t in thermocouple { s.thermocouples.append(try Scenario.parseThermocouple(t, context: "--thermocouple")) }
        for kv in settings {
            guard let eq = kv.firstIndex(of: "=") else {
                throw SimulationError.invalidInput("--set '\(kv)' is not KEY=VALUE; e.g. --set rf.power_w=15")
            }
            try s.set(String(kv[..<eq]), to: String(kv[kv.index(after: eq)...]), context: "--set")
        }
        return s
    }

    func run() throws {
        let budget = try budget()
        // First of all: a SIGTERM from now on only asks the run to stop at the next step, so
        // it can never kill the process between creating and removing a file of its own.
        TerminationSignal.install()
        let scenario = try makeScenario()
        guard let phantomPath = scenario.phantom else {
            throw SimulationError.invalidInput("no phantom: give a .vox file (e.g. ablasim run Phantoms/L1-lytic.vox --bipolar) or 'phantom:' in the scenario")
        }
        let phantomURL = URL(fileURLWithPath: phantomPath)
        let outPath = out ?? "out/" + phantomURL.deletingPathExtension().lastPathComponent
        let checkpointURL = URL(fileURLWithPath: outPath).appendingPathComponent(RunCheckpoint.fileName)
        let resuming = resume && FileManager.default.fileExists(atPath: checkpointURL.path)
        // Checked before any work: a bad output directory must not cost a whole run.
        let outDir = resuming ? URL(fileURLWithPath: outPath) : try OutputDirectory.prepare(path: outPath, overwrite: overwrite)

        let phantom = try Phantom.read(from: phantomURL)
        let executor = scenario.threads.map { SlabExecutor(threads: $0) } ?? .allCores
        let runner = try ScenarioRun(phantom: phantom, scenario: scenario, executor: executor, budget: budget)
        runner.simulation.solver.checkBounds = checkBounds
        if resuming { try runner.restore(from: checkpointURL) }

        let cold = scenario.modality == .cryo
        let progress = ProgressReporter(totalSimulated: runner.duration, quiet: quiet, cold: cold)
        let finished = try runner.run(progress: { sim in
            let shown = ProgressReporter.protectedExtremes(sim.monitor, cold: cold)
            progress.update(simulated: sim.time, cord: shown.cord, root: shown.root)
        }, shouldStop: { TerminationSignal.requested })
        if !finished {
            if runner.simulation.solver.stepCount == 0 && !resuming {
                // Nothing simulated: nothing to resume, and an empty folder blocks no rerun.
                writeStandardError("\nstopped by SIGTERM before the first step; no checkpoint (nothing to resume); \(outDir.path) is left empty\n")
                throw ExitCode(143)
            }
            try runner.checkpoint(to: checkpointURL)
            writeStandardError("\nstopped by SIGTERM at t = \(String(format: "%.1f", runner.simulation.time)) s; checkpoint written to \(checkpointURL.path); continue with --resume\n")
            throw ExitCode(143)
        }
        let output = RunOutput(run: runner, wallTime: progress.wallTime, version: Ablasim.configuration.version)
        try output.write(to: outDir, vti: vti)
        try? FileManager.default.removeItem(at: checkpointURL)
        progress.finish(summary: output.summary)
        if !quiet { writeStandardError("results in \(outDir.path)\n") }
        if failOnFlag && !output.summary.flags.isEmpty { throw ExitStatus.flagged }
    }
}

/// One modality flag of `ModalityRegistry` as an argument-parser flag.
struct ModalityChoice: EnumerableFlag, Hashable {
    let flag: ModalityFlag
    static var allCases: [ModalityChoice] { ModalityRegistry.all.flatMap(\.flags).map(ModalityChoice.init) }
    static func name(for value: ModalityChoice) -> NameSpecification { .customLong(value.flag.name) }
    static func help(for value: ModalityChoice) -> ArgumentHelp? { ArgumentHelp(value.flag.help) }
    static func == (a: ModalityChoice, b: ModalityChoice) -> Bool { a.flag.name == b.flag.name }
    func hash(into h: inout Hasher) { h.combine(flag.name) }
}

extension Scenario.Dissection: ExpressibleByArgument {}
extension Scenario.InterlockMode: ExpressibleByArgument {}
