import AblasimCore

/// A point temperature sensor: a name, the structure it protects and its position in
/// world RAS coordinates [m]. It reads the temperature field trilinearly between voxel
/// centres, as a thermocouple junction smaller than a voxel would.
public struct Thermocouple: Equatable, Sendable {
    public var name: String
    public var structure: NeuralStructure
    /// World position [m], RAS.
    public var position: SIMD3<Double>

    public init(name: String, structure: NeuralStructure, position: SIMD3<Double>) {
        self.name = name; self.structure = structure; self.position = position
    }

    /// A thermocouple from a scenario entry (position in mm, structure by name).
    public init(spec: Scenario.ThermocoupleSpec) throws {
        guard let s = NeuralStructure(rawValue: spec.structure.lowercased()) else {
            throw SimulationError.invalidInput("thermocouple '\(spec.name)' has unknown structure '\(spec.structure)'; valid: "
                + NeuralStructure.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.init(name: spec.name, structure: s, position: spec.positionMM / 1000)
    }

    /// Position [mm] as text, for messages.
    public var positionText: String {
        let p = position * 1000
        return String(format: "(%.2f, %.2f, %.2f) mm", p.x, p.y, p.z)
    }
}
