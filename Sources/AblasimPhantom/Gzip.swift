import CZlib

/// gzip and zlib streams over the system zlib, with limits: decompression stops with an
/// error as soon as the output would exceed the caller's bound, so a corrupted or hostile
/// file never makes the reader allocate more than it expects.
public enum Gzip {
    /// Stream framing: gzip (RFC 1952, .gz files) or zlib (RFC 1950, PNG IDAT chunks).
    public enum Format: Sendable { case gzip, zlib }

    /// The largest expansion DEFLATE can achieve (about 1032:1, zlib technical details),
    /// rounded up: a stream of n bytes never inflates to more than `maxRatio * n + 1024`.
    public static let maxRatio = 1040

    /// True when `bytes` starts with the gzip magic number 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Compresses `input` (level 0-9; 6 is zlib's default trade-off). Output is
    /// deterministic for the same input, level and zlib version (the gzip header's
    /// modification time is left 0).
    public static func compress(_ input: [UInt8], format: Format = .gzip, level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32 = format == .gzip ? 15 + 16 : 15
        let initStatus = deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                                       zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw PhantomError("zlib deflateInit2 failed (status \(initStatus))", isInputError: false) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        var status: Int32 = Z_OK
        var produced = 0
        input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                status = deflate(&stream, Z_FINISH)
                produced = outBuf.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { throw PhantomError("zlib deflate failed (status \(status))", isInputError: false) }
        output.removeSubrange(produced...)
        return output
    }

    /// Decompresses a gzip or zlib stream (detected from its header); concatenated gzip
    /// members are joined. Throws when the stream is corrupt, truncated, followed by
    /// garbage, or would inflate to more than `maxOutputBytes`.
    /// - Parameter what: names the data in error messages (e.g. the file path).
    /// - Parameter stopAfter: return as soon as this many bytes are out (a header peek).
    public static func decompress(_ input: [UInt8], maxOutputBytes: Int, what: String = "compressed data", stopAfter: Int? = nil) throws -> [UInt8] {
        guard !input.isEmpty else { throw PhantomError("\(what): the compressed stream is empty") }
        let capacity = min(maxOutputBytes, maxRatio * input.count + 1024)
        var output = [UInt8]()
        output.reserveCapacity(min(capacity, 1 << 26))
        var stream = z_stream()
        // 15 + 32: accept zlib and gzip headers.
        let initStatus = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw PhantomError("zlib inflateInit2 failed (status \(initStatus))", isInputError: false) }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: stopAfter.map { min(1 << 20, max(4096, $0)) } ?? 1 << 20)
        var failure: PhantomError?
        input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            while true {
                var status: Int32 = Z_OK
                var produced = 0
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    produced = outBuf.count - Int(stream.avail_out)
                }
                if output.count + produced > maxOutputBytes {
                    failure = PhantomError("\(what): inflates to more than the expected \(maxOutputBytes) bytes; the file is corrupt or does not match its header")
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
                if let stopAfter, output.count >= stopAfter { return }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    let remaining = Int(stream.avail_in)
                    if remaining == 0 { return }
                    let offset = inBuf.count - remaining
                    if remaining >= 2 && inBuf[offset] == 0x1f && inBuf[offset + 1] == 0x8b {
                        inflateReset(&stream)
                        continue
                    }
                    failure = PhantomError("\(what): \(remaining) unexpected bytes after the end of the compressed stream")
                    return
                case Z_BUF_ERROR:
                    if produced > 0 { continue }
                    failure = PhantomError("\(what): the compressed stream is truncated (ended after \(inBuf.count) bytes without its end marker)")
                    return
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    failure = PhantomError("\(what): corrupt compressed stream (\(reason)) near input byte \(inBuf.count - Int(stream.avail_in))")
                    return
                }
            }
        }
        if let failure { throw failure }
        return output
    }

    /// CRC-32 (ISO 3309 / ITU-T V.42, the polynomial of gzip and PNG) of `bytes`, optionally
    /// continuing from a previous value.
    public static func crc32(_ bytes: [UInt8], continuing previous: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { buf in
            UInt32(CZlib.crc32(uLong(previous), buf.baseAddress, uInt(buf.count)))
        }
    }

    public static func crc32<S: Sequence>(of bytes: S, continuing previous: UInt32 = 0) -> UInt32 where S.Element == UInt8 {
        crc32(Array(bytes), continuing: previous)
    }
}
