/// The predictive interlock's forecast of how far a thermocouple's reading will still go if
/// the power is cut now, from the site's own response since the power came on.
///
/// Heat reaches a cord or root site by conduction, so the site keeps warming after a cut
/// (the clinical series' 45 C cut-off followed by 48 C at the canal, Nakatsuka 2009). The
/// Pennes equation is linear in T for fixed properties, so with the power P on since t0 the
/// site's rise is the step response D(s) = T(t0 + s) - T(t0), and a cut at t superposes
/// the negative step: s after the cut the site reads
///
///     T(t) + [D(t - t0 + s) - D(t - t0)] - D(s).
///
/// The bracket, the rise the power would still have given, is extrapolated at the current
/// rate r = dT/dt (an upper bound while the rise is slowing, as it is near the limit of a
/// site beside a held-temperature electrode), and D is the site's own recorded response,
/// so the forecast extreme is
///
///     T_forecast = T + r tau,  r tau = max over s in (0, horizon] of [r s - D(s)]
///
/// (min for cooling, r < 0), i.e. a first-order-lag extrapolation T + r tau whose time
/// constant tau is read off the site's own switch-on response: a site that answered the
/// power late answers the cut late. What it does not see: power changes between t0 and t
/// (generator ramps, roll-off; they make D a response to a varying P) and properties that
/// change with temperature; the interlock's test measures the result on the solver.
///
/// Samples are kept at least `spacing` apart, and the rate is taken over at least that long,
/// which keeps single-precision noise (about 1e-5 C) out of it.
struct ThermocoupleForecast: Equatable {
    /// Longest look-ahead s [s]. 120 s: assumed. The response of a site r away from a heat
    /// pulse peaks r^2 / (6 kappa) later (3D point source); with kappa = k / (rho c) =
    /// 0.51 / (1075 * 3630) = 1.3e-7 m^2/s (tissue-properties.csv, spinal cord) that is 20 s at
    /// 4 mm and 115 s at 10 mm, the farthest a canal thermocouple sits from a pedicle probe.
    static let defaultHorizon = 120.0
    /// Minimum spacing of the kept samples [s]: 2 s, assumed (a few 1 s record intervals,
    /// well inside the 20 s response time above).
    static let spacing = 2.0

    /// Kept samples since the power came on, oldest first (time [s], reading [C]).
    private(set) var times: [Double] = []
    private(set) var values: [Double] = []

    init() {}
    init(times: [Double], values: [Double]) { self.times = times; self.values = values }

    /// Takes a reading; keeps it when it is at least `spacing` after the last kept one and
    /// returns whether it did.
    @discardableResult
    mutating func add(time: Double, value: Double) -> Bool {
        if let last = times.last, time - last < ThermocoupleForecast.spacing { return false }
        times.append(time); values.append(value)
        return true
    }

    /// The forecast from the current reading `now` [C] at `time` [s]: the rate r [C/s] (from
    /// the latest kept sample at least `spacing` before `time`), the time constant tau [s] and
    /// the extreme T + r tau [C]. Nil until a sample that old was kept.
    func forecast(now: Double, at time: Double, horizon: Double) -> (rate: Double, tau: Double, value: Double)? {
        let m = times.count
        guard let k = times.lastIndex(where: { time - $0 >= ThermocoupleForecast.spacing }) else { return nil }
        let r = (now - values[k]) / (time - times[k])
        let sign: Double = r < 0 ? -1 : 1
        var still = 0.0   // r tau, signed as r
        for k in 1..<m {
            let s = times[k] - times[0]
            guard s <= horizon else { break }
            still = max(still, sign * (r * s - (values[k] - values[0])))
        }
        still *= sign
        return (r, r == 0 ? 0 : still / r, now + still)
    }
}
