/// Binary state for checkpoints: a flat little-endian byte stream of tagged sections.
/// A preempted run writes its whole state and a resumed run reads it back, so the final
/// result is bitwise identical to an uninterrupted run.
public struct StateWriter {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public mutating func write<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func write(_ v: Double) { write(v.bitPattern) }
    public mutating func write(_ v: Bool) { write(UInt8(v ? 1 : 0)) }
    public mutating func write(_ s: String) {
        let u = Array(s.utf8)
        write(UInt32(u.count))
        bytes.append(contentsOf: u)
    }
    /// A tag before each section catches a reader that is out of step with the writer.
    public mutating func tag(_ name: String) { write(name) }
    public mutating func write<T>(raw buffer: UnsafeBufferPointer<T>) {
        write(UInt64(buffer.count))
        write(UInt32(MemoryLayout<T>.stride))
        bytes.append(contentsOf: UnsafeRawBufferPointer(buffer))
    }
    public mutating func write(_ values: [Double]) {
        values.withUnsafeBufferPointer { write(raw: $0) }
    }
}

public struct StateReader {
    private let bytes: [UInt8]
    private var offset = 0
    public let context: String

    public init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    public var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - offset else {
            throw CoreError("\(context): checkpoint is truncated at byte \(offset) (needs \(n) more bytes, \(bytes.count - offset) left)")
        }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let s = try take(MemoryLayout<T>.size)
        var v = T.zero
        withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: s) }
        return T(littleEndian: v)
    }
    public mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }
    public mutating func readBool() throws -> Bool { try read(UInt8.self) != 0 }
    public mutating func readString() throws -> String {
        let n = Int(try read(UInt32.self))
        return String(decoding: try take(n), as: UTF8.self)
    }
    public mutating func expect(tag name: String) throws {
        let found = try readString()
        guard found == name else {
            throw CoreError("\(context): checkpoint section '\(found)' found where '\(name)' was expected; the checkpoint belongs to a different model or version")
        }
    }
    /// Reads into an existing buffer of exactly the recorded size.
    public mutating func read<T>(into buffer: UnsafeMutableBufferPointer<T>) throws {
        let count = Int(try read(UInt64.self)), stride = Int(try read(UInt32.self))
        guard count == buffer.count, stride == MemoryLayout<T>.stride else {
            throw CoreError("\(context): checkpoint holds \(count) values of \(stride) bytes where \(buffer.count) of \(MemoryLayout<T>.stride) were expected (different grid?)")
        }
        let s = try take(count * stride)
        UnsafeMutableRawBufferPointer(buffer).copyBytes(from: s)
    }
    public mutating func readDoubles() throws -> [Double] {
        let count = Int(try read(UInt64.self)), stride = Int(try read(UInt32.self))
        guard stride == 8, count <= (bytes.count - offset) / 8 else {
            throw CoreError("\(context): checkpoint array header is corrupt at byte \(offset)")
        }
        let s = try take(count * 8)
        return (0..<count).map { i in
            var v: UInt64 = 0
            withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: s[s.startIndex + 8 * i ..< s.startIndex + 8 * i + 8]) }
            return Double(bitPattern: UInt64(littleEndian: v))
        }
    }
}

/// State that survives preemption.
public protocol Checkpointable: AnyObject {
    func saveState(to w: inout StateWriter)
    func restoreState(from r: inout StateReader) throws
}
