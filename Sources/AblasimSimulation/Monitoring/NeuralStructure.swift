/// The neural structure a thermocouple protects. Cord and root sites are "protected": they
/// raise flags, carry dose limits and drive the generator interlock; `other` sites (e.g. the
/// posterior wall of the vertebral body) are recorded without flags.
public enum NeuralStructure: String, CaseIterable, Sendable, Codable {
    case cord, root, other

    /// True for the structures the interlock and the flags guard.
    public var isProtected: Bool { self != .other }
}
