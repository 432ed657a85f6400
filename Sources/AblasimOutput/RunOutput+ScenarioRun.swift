import AblasimSimulation

extension RunOutput {
    /// Everything a finished `ScenarioRun` leaves behind: summary, series and volumes. The
    /// generator series is put on the thermocouples' record grid and named by probe.
    public init(run: ScenarioRun, wallTime: Double, version: String) {
        let zone = run.zone()
        var generator = GeneratorSeries()
        for (t, samples) in run.simulation.generatorSeries { generator.append(time: t, channels: samples) }
        let summary = run.summary(zone: zone, wallTime: wallTime, version: version)
        let thermocouples = ThermocoupleSeries(run.simulation.monitor.series)
        self.init(summary: summary,
                  thermocouples: thermocouples,
                  generator: generator.resampled(at: thermocouples.times).namedByProbe(summary.probes),
                  grid: run.setup.phantom.grid,
                  volumes: ResultVolumes(solver: run.simulation.solver, zones: zone.zoneLabels, labels: run.setup.phantom.labels,
                                         shafts: run.setup.probeShafts),
                  labelLegend: run.setup.phantom.legend)
    }
}
