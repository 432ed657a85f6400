/// A transpedicular trajectory: the needle's entry point on the posterior bone surface
/// (pedicle / lamina junction) and its target in the vertebral body, world RAS [m].
public struct PedicleAxis: Sendable, Equatable {
    public var entry: SIMD3<Double>
    public var target: SIMD3<Double>

    public init(entry: SIMD3<Double>, target: SIMD3<Double>) {
        self.entry = entry
        self.target = target
    }

    /// Unit vector from entry to target.
    public var direction: SIMD3<Double> {
        let d = target - entry
        return d / (d * d).sum().squareRoot()
    }

    /// Entry-to-target distance [m].
    public var length: Double { let d = target - entry; return (d * d).sum().squareRoot() }
}

/// Named anatomical points of a phantom, world RAS [m]: where probes go (pedicle axes),
/// where the tumour is, and where thermocouples guard the neural structures.
public struct Landmarks: Sendable, Equatable {
    public var pedicleLeft: PedicleAxis?
    public var pedicleRight: PedicleAxis?
    public var tumorCenter: SIMD3<Double>?
    /// Thermocouple sites by name [m].
    public var sites: [String: SIMD3<Double>]

    /// The thermocouple sites every generated and imported phantom carries.
    public static let standardSites = ["cord_anterior", "cord_posterior", "root_left", "root_right", "posterior_wall"]

    public init(pedicleLeft: PedicleAxis? = nil, pedicleRight: PedicleAxis? = nil,
                tumorCenter: SIMD3<Double>? = nil, sites: [String: SIMD3<Double>] = [:]) {
        self.pedicleLeft = pedicleLeft
        self.pedicleRight = pedicleRight
        self.tumorCenter = tumorCenter
        self.sites = sites
    }

    /// Every point with its name, in a stable order (pedicle axes, tumour, sites by name).
    public var namedPoints: [(String, SIMD3<Double>)] {
        var out: [(String, SIMD3<Double>)] = []
        if let p = pedicleLeft { out += [("pedicle_left.entry", p.entry), ("pedicle_left.target", p.target)] }
        if let p = pedicleRight { out += [("pedicle_right.entry", p.entry), ("pedicle_right.target", p.target)] }
        if let t = tumorCenter { out.append(("tumor_center", t)) }
        for name in sites.keys.sorted() { out.append((name, sites[name]!)) }
        return out
    }
}
