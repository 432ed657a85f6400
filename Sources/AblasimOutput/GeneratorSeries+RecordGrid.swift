import AblasimPhysics
import AblasimSimulation

extension GeneratorSeries {
    /// The series on `times` (the thermocouples' record grid), so every CSV and plot shares
    /// one time base. The simulation samples the generator at the end of the first time step
    /// at or after each record time; each quantity is interpolated linearly between the two
    /// samples around a record time (energy is cumulative, so this is exact for a constant
    /// power between them) and held at the first or last sample outside them. Discrete
    /// events keep their exact times in `events.csv`.
    public func resampled(at times: [Double]) -> GeneratorSeries {
        guard !self.times.isEmpty, !times.isEmpty else { return self }
        var out = GeneratorSeries()
        var hi = 0
        for t in times {
            while hi < self.times.count && self.times[hi] < t { hi += 1 }
            let b = min(hi, self.times.count - 1), a = max(b - (self.times[b] > t ? 1 : 0), 0)
            let ta = self.times[a], tb = self.times[b]
            let f = tb > ta ? min(max((t - ta) / (tb - ta), 0), 1) : 0
            out.append(time: t, channels: self.samples[b].map { sb in
                guard let sa = self.samples[a].first(where: { $0.channel == sb.channel }) else { return sb }
                func mix(_ x: Double, _ y: Double) -> Double { x + f * (y - x) }
                func mix(_ x: Double?, _ y: Double?) -> Double? {
                    guard let x, let y else { return f < 0.5 ? x : y }
                    return mix(x, y)
                }
                return ChannelSample(channel: sb.channel, power: mix(sa.power, sb.power), impedance: mix(sa.impedance, sb.impedance),
                                     energy: mix(sa.energy, sb.energy), probeTemperature: mix(sa.probeTemperature, sb.probeTemperature))
            })
        }
        return out
    }

    /// The series with every channel named by its probe (`RunSummary.Probe.name`), the one
    /// naming rule of the outputs: a sample's channel is the probe whose name or generator
    /// channel it carries (RF samples carry the probe name, cryo, laser and microwave the
    /// channel); a channel no probe claims keeps its name.
    public func namedByProbe(_ probes: [RunSummary.Probe]) -> GeneratorSeries {
        func probeName(_ ch: String) -> String {
            probes.first { $0.name == ch }?.name ?? probes.first { $0.channel == ch }?.name ?? ch
        }
        return GeneratorSeries(times: times, samples: samples.map { row in
            row.map { s in var s = s; s.channel = probeName(s.channel); return s }
        })
    }
}
