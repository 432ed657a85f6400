import AblasimSimulation

extension RunOutput {
    /// Everything a finished `ScenarioRun` leaves behind: summary, series and volumes.
    public init(run: ScenarioRun, wallTime: Double, version: String) {
        let zone = run.zone()
        var generator = GeneratorSeries()
        for (t, samples) in run.simulation.generatorSeries { generator.append(time: t, channels: samples) }
        self.init(summary: run.summary(zone: zone, wallTime: wallTime, version: version),
                  thermocouples: ThermocoupleSeries(run.simulation.monitor.series),
                  generator: generator,
                  grid: run.setup.phantom.grid,
                  volumes: ResultVolumes(solver: run.simulation.solver, zones: zone.zoneLabels, labels: run.setup.phantom.labels),
                  labelLegend: run.setup.phantom.legend)
    }
}
