import Foundation
import AblasimCore
import AblasimPhysics
import AblasimSimulation

/// Thermocouple readings recorded during a run: `values[c][s]` is thermocouple `names[c]`
/// at `times[s]` [C]; times [s].
public struct ThermocoupleSeries: Equatable, Sendable {
    public var names: [String]
    public var times: [Double]
    public var values: [[Double]]
    public init(names: [String], times: [Double], values: [[Double]]) {
        self.names = names; self.times = times; self.values = values
    }
    /// From `ThermocoupleMonitor.series`.
    public init(_ s: (names: [String], times: [Double], values: [[Double]])) {
        self.init(names: s.names, times: s.times, values: s.values)
    }
    public static let empty = ThermocoupleSeries(names: [], times: [], values: [])
}

/// Generator channels over time: `samples[s]` holds every channel at `times[s]` [s].
public struct GeneratorSeries: Equatable, Sendable {
    public var times: [Double]
    public var samples: [[ChannelSample]]
    public init(times: [Double] = [], samples: [[ChannelSample]] = []) {
        self.times = times; self.samples = samples
    }
    /// From `Simulation.generatorSeries`.
    public init(_ series: [(time: Double, samples: [ChannelSample])]) {
        self.init(times: series.map(\.time), samples: series.map(\.samples))
    }
    /// Appends one sample time (call at the record interval).
    public mutating func append(time: Double, channels: [ChannelSample]) {
        times.append(time); samples.append(channels)
    }
    /// Channel names in order of first appearance.
    public var channels: [String] {
        var names: [String] = []
        for s in samples { for c in s where !names.contains(c.channel) { names.append(c.channel) } }
        return names
    }
}

/// The result volumes of a run, x fastest on the run's grid: temperatures [C], CEM43 [min],
/// Omega [1], zone labels (`AblationZone.Label`) and the phantom's tissue labels.
public struct ResultVolumes: Equatable, Sendable {
    public var tMax: [Float], tMin: [Float], cem43: [Float], omega: [Float]
    public var zones: [UInt8], labels: [UInt8]
    /// Probe mask: the voxels of applicator n's shaft (summary order) hold n + 1, others 0.
    public var probes: [UInt8]
    /// `probes` nil: no probe voxels (all 0).
    public init(tMax: [Float], tMin: [Float], cem43: [Float], omega: [Float], zones: [UInt8], labels: [UInt8], probes: [UInt8]? = nil) {
        self.tMax = tMax; self.tMin = tMin; self.cem43 = cem43; self.omega = omega; self.zones = zones; self.labels = labels
        self.probes = probes ?? [UInt8](repeating: 0, count: labels.count)
    }
    /// Copies the solver's extreme and dose fields (dose narrowed to float32 for the files);
    /// `shafts` are the applicators' shaft voxels (linear indices), painted into the probe mask.
    public init(solver: PennesSolver<Float>, zones: [UInt8], labels: [UInt8], shafts: [[Int]] = []) {
        var mask = [UInt8](repeating: 0, count: labels.count)
        for (n, shaft) in shafts.prefix(255).enumerated() { for v in shaft where v >= 0 && v < mask.count { mask[v] = UInt8(n + 1) } }
        self.init(tMax: solver.tMax.interior(), tMin: solver.tMin.interior(),
                  cem43: solver.cem43.interior().map { Float($0) }, omega: solver.omega.interior().map { Float($0) },
                  zones: zones, labels: labels, probes: mask)
    }
}

/// Everything a finished run leaves behind, ready to be written into its output directory.
public struct RunOutput {
    public var summary: RunSummary
    public var thermocouples: ThermocoupleSeries
    public var generator: GeneratorSeries
    /// The run's grid (the phantom's grid and affine).
    public var grid: Grid3D
    public var volumes: ResultVolumes
    /// Tissue name of each phantom label.
    public var labelLegend: [UInt8: String]
    /// Meaning of each zone label.
    public var zoneLegend: [UInt8: String]

    /// Volume file stems, in the order they are written.
    public static let volumeNames = ["t_max", "t_min", "cem43", "omega", "zones", "labels", "probes"]
    /// The header description of each volume: quantity and unit (NIfTI descrip, <= 79 bytes).
    public static let volumeMeanings: [String: VolumeFile.Meaning] = [
        "t_max": .init("ablasim t_max: peak temperature per voxel [degC]"),
        "t_min": .init("ablasim t_min: lowest temperature per voxel [degC]"),
        "cem43": .init("ablasim cem43: thermal dose, cumulative equivalent minutes at 43 C [min]"),
        "omega": .init("ablasim omega: Arrhenius damage integral [1], coagulation at 1"),
        "zones": .init("ablasim zones: label map, names in legend.json / zones.ctbl", isLabelMap: true),
        "labels": .init("ablasim labels: tissue label map, names in legend.json / labels.ctbl", isLabelMap: true),
        "probes": .init("ablasim probes: label map, applicator shafts (probe n+1), names in probes.ctbl", isLabelMap: true),
    ]

    public init(summary: RunSummary, thermocouples: ThermocoupleSeries, generator: GeneratorSeries, grid: Grid3D,
                volumes: ResultVolumes, labelLegend: [UInt8: String], zoneLegend: [UInt8: String] = AblationZone.Label.legend) {
        self.summary = summary; self.thermocouples = thermocouples; self.generator = generator; self.grid = grid
        self.volumes = volumes; self.labelLegend = labelLegend; self.zoneLegend = zoneLegend
    }

    /// Checks that every volume matches the grid and the series are rectangular.
    public func validate() throws {
        let n = grid.voxelCount
        for (name, count) in [("t_max", volumes.tMax.count), ("t_min", volumes.tMin.count), ("cem43", volumes.cem43.count),
                              ("omega", volumes.omega.count), ("zones", volumes.zones.count), ("labels", volumes.labels.count),
                              ("probes", volumes.probes.count)]
        where count != n {
            throw OutputError.io("result volume '\(name)' has \(count) voxels; the grid \(grid.nx)x\(grid.ny)x\(grid.nz) has \(n)")
        }
        guard thermocouples.values.count == thermocouples.names.count,
              thermocouples.values.allSatisfy({ $0.count == thermocouples.times.count }) else {
            throw OutputError.io("thermocouple series is not rectangular: \(thermocouples.names.count) names, \(thermocouples.values.count) columns, \(thermocouples.times.count) times")
        }
        guard generator.samples.count == generator.times.count else {
            throw OutputError.io("generator series has \(generator.times.count) times but \(generator.samples.count) samples")
        }
    }
}
