import AblasimCore

/// The thermal model before it becomes a solver: the grid, the materials and the material
/// index of every voxel. Phantom labels become tissue materials; probes paint their
/// surfaces as extra materials (cooled shafts, cryo surfaces) and keep their indices.
public struct ThermalModel: Sendable {
    public let grid: Grid3D
    public private(set) var materials: [ThermalMaterial]
    /// Material index per voxel, x fastest.
    public var codes: [UInt8]
    /// Tissue freezing (set by cryoablation): the solver then runs the phase-change kernel.
    public var freezing: FreezingModel?
    /// Super-time-stepping of the solver's explicit steps (set by cryoablation).
    public var superTimeStepping: SuperTimeStepping?

    /// A model of one tissue everywhere.
    public init(grid: Grid3D, uniform tissue: Tissue) {
        self.grid = grid
        materials = [.tissue(tissue)]
        codes = [UInt8](repeating: 0, count: grid.voxelCount)
    }

    /// A model from a label volume and a legend naming each label's tissue.
    public init(grid: Grid3D, labels: [UInt8], legend: [UInt8: String], table: TissueTable) throws {
        guard labels.count == grid.voxelCount else {
            throw PhysicsError.invalidInput("label volume has \(labels.count) voxels; the grid needs \(grid.voxelCount)")
        }
        self.grid = grid
        var index = [Int](repeating: -1, count: 256)
        var materials: [ThermalMaterial] = []
        var seen = [Bool](repeating: false, count: 256)
        for l in labels { seen[Int(l)] = true }
        for l in 0..<256 where seen[l] {
            guard let name = legend[UInt8(l)] else {
                throw PhysicsError.invalidInput("label \(l) occurs in the volume but the legend does not name it; legend labels: \(legend.keys.sorted())")
            }
            let tissue = try table.tissue(named: name, context: "label \(l)")
            if let existing = materials.firstIndex(where: { $0.name == name }) {
                index[l] = existing
            } else {
                index[l] = materials.count
                materials.append(.tissue(tissue))
            }
        }
        guard materials.count <= MaterialCode.maxMaterials else {
            throw PhysicsError.invalidInput("the phantom uses \(materials.count) tissues; at most \(MaterialCode.maxMaterials) (less the probe surfaces) are supported")
        }
        self.materials = materials
        codes = labels.map { UInt8(index[Int($0)]) }
    }

    /// Adds a material and returns its index.
    public mutating func addMaterial(_ m: ThermalMaterial) throws -> Int {
        guard materials.count < MaterialCode.maxMaterials else {
            throw PhysicsError.invalidInput("too many materials: at most \(MaterialCode.maxMaterials) tissues and probe surfaces together")
        }
        materials.append(m)
        return materials.count - 1
    }

    /// Replaces the material at `index` (e.g. a tissue override or thermoprotection).
    public mutating func replaceMaterial(at index: Int, with m: ThermalMaterial) {
        materials[index] = m
    }

    /// Index of the first material called `name`, if any.
    public func materialIndex(named name: String) -> Int? { materials.firstIndex { $0.name == name } }

    /// Linear voxel index (x fastest).
    @inline(__always)
    public func linear(_ i: Int, _ j: Int, _ k: Int) -> Int { (k * grid.ny + j) * grid.nx + i }

    /// Sets the material of the given voxels (linear indices).
    public mutating func paint(_ voxels: [Int], material: Int) {
        let c = UInt8(material)
        for v in voxels { codes[v] = c }
    }

    /// The tissue of material `index`, nil for probe surfaces.
    public func tissue(ofMaterial index: Int) -> Tissue? { materials[index].tissue }

    /// Builds the solver.
    public func makeSolver<S>(_: S.Type = Float.self, boundary: OuterBoundary = .fixedTemperature(Blood.arterialTemperature),
                              initialTemperature: Double = Blood.arterialTemperature,
                              arterialTemperature: Double = Blood.arterialTemperature, dt: Double? = nil,
                              safety: Double = 0.9, executor: SlabExecutor = .allCores) throws -> PennesSolver<S> {
        try PennesSolver<S>(grid: grid, materials: materials, codes: codes, boundary: boundary,
                            initialTemperature: initialTemperature, arterialTemperature: arterialTemperature,
                            dt: dt, safety: safety, executor: executor,
                            freezing: freezing, superTimeStepping: superTimeStepping)
    }
}
