import ArgumentParser
import Foundation
import AblasimCore
import AblasimPhantom
import AblasimSimulation
import AblasimOutput

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

        Scenario keys (for --set and scenario files): \(Scenario.keys.joined(separator: ", ")).
        Exit codes: 0 ok, 1 a flag was raised with --fail-on-flag, 2 bad input, 3 runtime failure,
        143 stopped by SIGTERM after writing a checkpoint (continue with --resume).
        """)

    @Argument(help: "Phantom file (.vox). May also come from the scenario file's 'phantom' key.")
    var phantom: String?

    @Flag(help: "Bipolar RF (the default modality).") var bipolar = false
    @Flag(help: "Monopolar RF with a grounding pad.") var monopolar = false
    @Flag(help: "Microwave ablation.") var microwave = false
    @Flag(help: "Laser ablation (LITT).") var laser = false
    @Flag(help: "Cryoablation.") var cryo = false

    @Option(help: "One probe only, through the left or right pedicle.") var unipedicular: String?
    @Flag(help: "Run the probes one after the other instead of simultaneously.") var sequential = false
    @Option(help: "Probe preset (see the RF documentation).") var probe: String?
    @Option(help: "Simulated time [s].") var duration: Double?
    @Option(help: "Power [W]: RF ceiling or set power; microwave or laser power.") var power: Double?
    @Option(name: .customLong("target-temp"), help: "RF probe set temperature [C].") var targetTemp: Double?
    @Option(help: "Microwave frequency [MHz]: 915 or 2450.") var frequency: Double?
    @Option(help: "Laser wavelength [nm].") var wavelength: Double?
    @Option(help: "Laser energy to deliver [J].") var energy: Double?
    @Option(help: "Number of cryo probes.") var probes: Int?
    @Option(name: .customLong("protocol"), help: "Cryo freeze,thaw,freeze phases [min], e.g. 10,8,10.") var cryoProtocol: String?
    @Option(help: "Epidural dissection: none, co2 or dextrose.") var epidural: String?
    @Option(help: "Extra thermocouple NAME@x,y,z[:cord|root|other], mm (repeatable).") var thermocouple: [String] = []
    @Flag(name: .customLong("no-interlock"), help: "Study the unprotected case: no generator interlock.") var noInterlock = false
    @Option(name: .customLong("interlock-threshold"), help: "Interlock cut-off at a cord/root thermocouple [C].") var interlockThreshold: Double?
    @Option(name: .customLong("interlock-mode"), help: "Interlock action: cut or throttle.") var interlockMode: String?
    @Option(help: "Scenario file (YAML); command-line options override it.") var scenario: String?
    @Option(name: .customLong("set"), help: "Set a scenario key, KEY=VALUE (repeatable).") var settings: [String] = []
    @Option(help: "Output directory (default out/<phantom name>).") var out: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Flag(help: "Replace a previous run's results in the output directory.") var overwrite = false
    @Flag(help: "Continue from the checkpoint in the output directory.") var resume = false
    @Flag(help: "Also write volumes.vti for ParaView.") var vti = false
    @Flag(help: "No progress line or final table.") var quiet = false
    @Flag(name: .customLong("fail-on-flag"), help: "Exit 1 when any safety flag is raised.") var failOnFlag = false
    @Flag(name: .customLong("check-bounds"), help: "Verify after every step that no voxel leaves the maximum-principle bounds of the held, boundary, initial and arterial temperatures (plus what sources add); a violation stops the run (exit 3).") var checkBounds = false

    /// The scenario this command line describes.
    func makeScenario() throws -> Scenario {
        var s = Scenario()
        if let scenario { s = try Scenario.load(yamlAt: scenario) }
        var sets: [(String, String, String)] = []
        func add(_ key: String, _ value: String?, _ option: String) { if let value { sets.append((key, value, option)) } }
        let modalities = [("rf", bipolar || monopolar), ("microwave", microwave), ("laser", laser), ("cryo", cryo)].filter(\.1)
        if modalities.count > 1 || (bipolar && monopolar) {
            throw SimulationError.invalidInput("choose one of --bipolar, --monopolar, --microwave, --laser, --cryo")
        }
        add("modality", modalities.first?.0, "--\(modalities.first?.0 ?? "")")
        if bipolar { add("rf.mode", "bipolar", "--bipolar") }
        if monopolar { add("rf.mode", "monopolar", "--monopolar") }
        add("phantom", phantom, "phantom argument")
        add("rf.placement", unipedicular, "--unipedicular")
        if sequential { add("rf.sequential", "true", "--sequential") }
        add("rf.probe", probe, "--probe")
        add("duration_s", duration.map { "\($0)" }, "--duration")
        if let power {
            let key = microwave ? "microwave.power_w" : laser ? "laser.power_w" : "rf.power_w"
            add(key, "\(power)", "--power")
        }
        add("rf.target_temp_c", targetTemp.map { "\($0)" }, "--target-temp")
        add("microwave.frequency_mhz", frequency.map { "\($0)" }, "--frequency")
        add("laser.wavelength_nm", wavelength.map { "\($0)" }, "--wavelength")
        add("laser.energy_j", energy.map { "\($0)" }, "--energy")
        add("cryo.probes", probes.map { "\($0)" }, "--probes")
        add("cryo.protocol_min", cryoProtocol, "--protocol")
        add("thermoprotection.epidural", epidural, "--epidural")
        if noInterlock { add("interlock.enabled", "false", "--no-interlock") }
        add("interlock.threshold_c", interlockThreshold.map { "\($0)" }, "--interlock-threshold")
        add("interlock.mode", interlockMode, "--interlock-mode")
        add("threads", threads.map { "\($0)" }, "--threads")
        for (key, value, option) in sets { try s.set(key, to: value, context: option) }
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
        let runner = try ScenarioRun(phantom: phantom, scenario: scenario, executor: executor)
        runner.simulation.solver.checkBounds = checkBounds
        if resuming { try runner.restore(from: checkpointURL) }

        let progress = ProgressReporter(totalSimulated: runner.duration, quiet: quiet)
        TerminationSignal.install()
        let finished = try runner.run(progress: { sim in
            let hot = sim.monitor.hottest
            progress.update(simulated: sim.time, cord: hot.cord, root: hot.root)
        }, shouldStop: { TerminationSignal.requested })
        if !finished {
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
