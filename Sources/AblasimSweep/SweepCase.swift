/// One scenario parameter set as text, exactly as `Scenario.set(_:to:)` takes it.
public struct ParameterValue: Equatable, Hashable, Sendable, Codable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) { self.key = key; self.value = value }
}

/// One numbered case of a sweep: the values its axes give, on top of the base scenario.
public struct SweepCase: Equatable, Sendable {
    /// 0-based; the Slurm array task id and the folder name `cases/0007`.
    public let index: Int
    /// Axis values in axis order (one per parameter name of the sweep).
    public let parameters: [ParameterValue]
    /// Phantom file for this case, absolute.
    public let phantom: String

    public init(index: Int, parameters: [ParameterValue], phantom: String) {
        self.index = index; self.parameters = parameters; self.phantom = phantom
    }

    /// The value of one axis parameter, nil when no axis sets it.
    public func value(of key: String) -> String? {
        parameters.last(where: { $0.key == key })?.value
    }

    /// Folder name of the case inside `DIR/cases/`: zero-padded to four digits (more when needed).
    public static func folderName(_ index: Int) -> String {
        let s = String(index)
        return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
    }
}
