import AblasimCore
import Foundation

/// Bench phantoms: a block, cylinder or sphere of one tissue (ex vivo liver, muscle, gel,
/// a bone block), optionally layered along z and with inclusions (a tumour in bone, a
/// cavity in gel), with named thermocouple sites. The block is centred on the world
/// origin; mm at this surface.
///
/// One recipe serves `ablasim phantom block` and the experiment files: each field is set
/// from its text form by `set(_:to:)`, the same key in both places.
public struct BlockPhantom: Equatable, Sendable {
    public enum Shape: String, CaseIterable, Sendable { case box, cylinder, sphere }

    /// An inclusion: a sphere (size = diameter) or an axis-aligned box (size = edges), mm.
    public struct Inclusion: Equatable, Sendable {
        public var tissue: String
        public var shape: Shape
        public var centerMM: SIMD3<Double>
        public var sizeMM: SIMD3<Double>
    }

    public var name = "block"
    public var shape: Shape = .box
    /// Box edges; a cylinder's diameter (x, y) and length (z); a sphere's diameter (x).
    public var sizeMM = SIMD3<Double>(40, 40, 40)
    public var tissue = "muscle"
    /// What fills the grid around a cylinder or sphere (a bath, air-like CO2, gel).
    public var surround = "water_gel"
    /// Extra grid around the shape on each side [mm].
    public var marginMM = 0.0
    /// Layers from the bottom (z) up: tissue and thickness [mm]; the last takes the rest.
    public var layers: [(tissue: String, thicknessMM: Double)] = []
    public var inclusions: [Inclusion] = []
    public var voxelMM = 0.5
    /// Thermocouple sites [mm]; names starting with cord / root are protected structures.
    public var sites: [(name: String, positionMM: SIMD3<Double>)] = []

    public init() {}

    public static func == (a: BlockPhantom, b: BlockPhantom) -> Bool {
        a.name == b.name && a.shape == b.shape && a.sizeMM == b.sizeMM && a.tissue == b.tissue && a.surround == b.surround
            && a.marginMM == b.marginMM && a.layers.map(\.tissue) == b.layers.map(\.tissue) && a.layers.map(\.thicknessMM) == b.layers.map(\.thicknessMM)
            && a.inclusions == b.inclusions && a.voxelMM == b.voxelMM
            && a.sites.map(\.name) == b.sites.map(\.name) && a.sites.map(\.positionMM) == b.sites.map(\.positionMM)
    }

    /// The recipe keys, for messages and docs.
    public static let keys = ["name", "shape", "size_mm", "tissue", "surround", "margin_mm", "layers", "inclusions", "voxel_mm", "sites"]
    /// Most voxels a bench phantom may have (the memory of a run is ~100 B per voxel).
    public static let maxVoxels = 64_000_000

    /// Sets one recipe field from text (`context` names where it came from).
    public mutating func set(_ key: String, to raw: String, context: String) throws {
        let v = raw.trimmingCharacters(in: .whitespaces)
        func bad(_ valid: String) -> PhantomError { PhantomError("\(context): \(key) = '\(v.prefix(80))' is not valid; expected \(valid)") }
        func tissueName(_ s: String) throws -> String {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard TissueTable.standard.tissues[t] != nil else {
                throw PhantomError("\(context): \(key): unknown tissue '\(t.prefix(40))'; known tissues: \(TissueTable.standard.names.joined(separator: ", "))")
            }
            return t
        }
        func triple(_ s: Substring, positive: Bool) -> SIMD3<Double>? {
            let p = s.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard p.count == 3, p.allSatisfy({ $0.isFinite && abs($0) < 10_000 && (!positive || $0 > 0) }) else { return nil }
            return SIMD3(p[0], p[1], p[2])
        }
        switch key {
        case "name":
            guard !v.isEmpty, v.count <= 64, v.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else { throw bad("1 to 64 letters, digits, - _ .") }
            name = v
        case "shape":
            guard let s = Shape(rawValue: v.lowercased()) else { throw bad("one of box, cylinder, sphere") }
            shape = s
        case "size_mm":
            let parts = v.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...3).contains(parts.count), parts.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 1000 }) else {
                throw bad("1 to 3 lengths in (0, 1000] mm: box edges x,y,z; cylinder diameter,length; sphere diameter")
            }
            sizeMM = parts.count == 3 ? SIMD3(parts[0], parts[1], parts[2]) : parts.count == 2 ? SIMD3(parts[0], parts[0], parts[1]) : SIMD3(repeating: parts[0])
        case "tissue": tissue = try tissueName(v)
        case "surround": surround = try tissueName(v)
        case "margin_mm":
            guard let x = Double(v), x.isFinite, (0...500).contains(x) else { throw bad("a length in [0, 500] mm") }
            marginMM = x
        case "voxel_mm":
            guard let x = Double(v), x.isFinite, (0.05...5).contains(x) else { throw bad("a voxel size in [0.05, 5] mm") }
            voxelMM = x
        case "layers":
            layers = try v.split(separator: ",").map { item in
                let p = item.split(separator: ":")
                guard p.count == 2, let t = Double(p[1].trimmingCharacters(in: .whitespaces)), t.isFinite, t > 0, t <= 1000 else {
                    throw bad("TISSUE:THICKNESS_MM items separated by commas, bottom first, e.g. cortical_bone:2,cancellous_bone:30")
                }
                return (try tissueName(String(p[0])), t)
            }
        case "inclusions":
            inclusions = try v.split(separator: ";").map { item in
                let p = item.split(separator: ":")
                guard p.count == 4, let s = Shape(rawValue: p[1].trimmingCharacters(in: .whitespaces)), s != .cylinder,
                      let c = triple(p[2], positive: false) else {
                    throw bad("TISSUE:sphere:cx,cy,cz:DIAMETER or TISSUE:box:cx,cy,cz:sx,sy,sz items separated by ';' (mm)")
                }
                let size: SIMD3<Double>
                if s == .sphere {
                    guard let d = Double(p[3].trimmingCharacters(in: .whitespaces)), d.isFinite, d > 0, d < 10_000 else { throw bad("a sphere diameter > 0 mm") }
                    size = SIMD3(repeating: d)
                } else {
                    guard let e = triple(p[3], positive: true) else { throw bad("box edges sx,sy,sz > 0 mm") }
                    size = e
                }
                return Inclusion(tissue: try tissueName(String(p[0])), shape: s, centerMM: c, sizeMM: size)
            }
        case "sites":
            sites = try v.split(separator: ";").map { item in
                let p = item.split(separator: "@")
                let n = p.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard p.count == 2, !n.isEmpty, n.count <= 64, n.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
                      let x = triple(p[1], positive: false) else {
                    throw bad("NAME@x,y,z items separated by ';' (mm from the block centre)")
                }
                return (n, x)
            }
        default:
            throw PhantomError("\(context): unknown block phantom key '\(key.prefix(40))'; valid: \(BlockPhantom.keys.joined(separator: ", "))")
        }
    }

    /// Builds the phantom: label per voxel centre (layers, then inclusions on top), the
    /// legend from `PhantomLabels` where the tissue has a standard label, and the sites.
    public func build() throws -> Phantom {
        let h = voxelMM
        let extent = sizeMM + 2 * marginMM
        let n = (extent / h).rounded(.toNearestOrEven)
        let dims = SIMD3<Int>(max(1, Int(n.x)), max(1, Int(n.y)), max(1, Int(n.z)))
        let count = dims.x * dims.y * dims.z
        guard count <= BlockPhantom.maxVoxels else {
            throw PhantomError("block phantom \(dims.x)x\(dims.y)x\(dims.z) at \(h) mm has \(count) voxels; at most \(BlockPhantom.maxVoxels): use larger voxels or a smaller block")
        }
        let origin = -SIMD3<Double>(Double(dims.x - 1), Double(dims.y - 1), Double(dims.z - 1)) * h / 2
        let grid = try Grid3D(nx: dims.x, ny: dims.y, nz: dims.z, isotropic: h / 1000, origin: origin / 1000)
        var legend: [String: UInt8] = [:]
        var next: UInt8 = 20
        func label(_ tissue: String) -> UInt8 {
            if let l = legend[tissue] { return l }
            let l = PhantomLabels.all.first { $0.value == tissue }?.key ?? { defer { next += 1 }; return next }()
            legend[tissue] = l
            return l
        }
        // Layer boundaries along z, from the bottom of the shape.
        var bounds: [(top: Double, label: UInt8)] = []
        var z = -sizeMM.z / 2
        for (i, layer) in layers.enumerated() {
            z += layer.thicknessMM
            bounds.append((i == layers.count - 1 ? .infinity : z, label(layer.tissue)))
        }
        let body = label(tissue)
        let around = shape == .box && marginMM == 0 ? body : label(surround)
        let includes = inclusions.map { ($0, label($0.tissue)) }
        var labels = [UInt8](repeating: around, count: count)
        for k in 0..<dims.z {
            let pz = origin.z + Double(k) * h
            for j in 0..<dims.y {
                let py = origin.y + Double(j) * h
                for i in 0..<dims.x {
                    let p = SIMD3(origin.x + Double(i) * h, py, pz)
                    var l = around
                    let inside: Bool
                    switch shape {
                    case .box: inside = all(simdAbs(p) .<= sizeMM / 2)
                    case .cylinder: inside = (p.x * p.x + p.y * p.y) <= sizeMM.x * sizeMM.x / 4 && abs(p.z) <= sizeMM.z / 2
                    case .sphere: inside = (p * p).sum() <= sizeMM.x * sizeMM.x / 4
                    }
                    if inside { l = bounds.first { p.z <= $0.top }?.label ?? body }
                    for (inc, il) in includes {
                        let d = p - inc.centerMM
                        let within = inc.shape == .sphere ? (d * d).sum() <= inc.sizeMM.x * inc.sizeMM.x / 4 : all(simdAbs(d) .<= inc.sizeMM / 2)
                        if within { l = il }
                    }
                    labels[(k * dims.y + j) * dims.x + i] = l
                }
            }
        }
        var landmarks = Landmarks()
        for s in sites { landmarks.sites[s.name] = s.positionMM / 1000 }
        let phantom = Phantom(name: name, grid: grid, labels: labels,
                              legend: Dictionary(uniqueKeysWithValues: legend.map { ($0.value, $0.key) }), landmarks: landmarks)
        let used = Set(labels)
        var p = phantom
        p.legend = phantom.legend.filter { used.contains($0.key) }
        try p.validate(context: "block phantom '\(name)'")
        return p
    }
}

private func simdAbs(_ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(abs(v.x), abs(v.y), abs(v.z)) }
