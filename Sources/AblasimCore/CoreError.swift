/// Errors of the core data model. Every message says what was wrong, where, and what
/// would be valid.
public struct CoreError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
