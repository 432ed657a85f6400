/// The one error type of every module: what kind of failure (bad input, CLI exit 2; or
/// the run itself failed, exit 3), the message for the user (what was wrong, where, what
/// would be valid) and, where known, where it was: file, line, scenario key, voxel. The
/// modules' names for it (`CoreError`, `PhysicsError`, `SimulationError`, ...) are aliases,
/// so an error passes up through every layer as it is, never relabelled.
public struct AblasimError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Bad input: a file, an option, a model that cannot work (exit 2).
        case invalidInput
        /// The run failed: a non-finite temperature, a diverging solve, a failed write (exit 3).
        case runtime
    }

    /// Where the fault was, as far as the thrower knows it.
    public struct Context: Sendable, Equatable {
        public var file: String?
        public var line: Int?
        public var key: String?
        public var voxel: SIMD3<Int>?
        public init(file: String? = nil, line: Int? = nil, key: String? = nil, voxel: SIMD3<Int>? = nil) {
            self.file = file; self.line = line; self.key = key; self.voxel = voxel
        }
    }

    public var kind: Kind
    /// The whole message the user reads (it already names the place).
    public var message: String
    public var context: Context

    public init(kind: Kind, _ message: String, context: Context = Context()) {
        self.kind = kind; self.message = message; self.context = context
    }

    /// An input error by default (the former `CoreError` / `PhantomError` form).
    public init(_ message: String, isInputError: Bool = true, context: Context = Context()) {
        self.init(kind: isInputError ? .invalidInput : .runtime, message, context: context)
    }

    public static func invalidInput(_ message: String, context: Context = Context()) -> AblasimError {
        AblasimError(kind: .invalidInput, message, context: context)
    }
    public static func runtime(_ message: String, context: Context = Context()) -> AblasimError {
        AblasimError(kind: .runtime, message, context: context)
    }
    /// A failed read or write of a result: a runtime failure.
    public static func io(_ message: String) -> AblasimError { runtime(message) }

    public var isInputError: Bool { kind == .invalidInput }
    public var description: String { message }
}

/// The core data model's name for `AblasimError`.
public typealias CoreError = AblasimError
/// A failed result write: `AblasimError.runtime`.
public typealias AtomicWriteError = AblasimError
