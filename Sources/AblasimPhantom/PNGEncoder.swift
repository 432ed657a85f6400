/// A minimal PNG encoder (ISO/IEC 15948): 8-bit RGB, one IDAT chunk of zlib-compressed
/// scanlines with filter type 0, CRC-32 per chunk.
public struct RGBImage: Sendable, Equatable {
    public let width: Int, height: Int
    /// Row-major RGB triplets, top row first.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: 3 * width * height)
        for p in 0..<(width * height) { pixels[3 * p] = fill.0; pixels[3 * p + 1] = fill.1; pixels[3 * p + 2] = fill.2 }
    }

    @inline(__always)
    public mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let o = 3 * (y * width + x)
        pixels[o] = c.0; pixels[o + 1] = c.1; pixels[o + 2] = c.2
    }

    public func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let o = 3 * (y * width + x)
        return (pixels[o], pixels[o + 1], pixels[o + 2])
    }

    /// Copies `other` with its top-left corner at (x, y).
    public mutating func paste(_ other: RGBImage, at x: Int, _ y: Int) {
        for row in 0..<other.height { for col in 0..<other.width { set(x + col, y + row, other.pixel(col, row)) } }
    }

    /// Draws a line with Bresenham's algorithm.
    public mutating func line(from a: (Int, Int), to b: (Int, Int), color: (UInt8, UInt8, UInt8)) {
        var x0 = a.0, y0 = a.1
        let dx = abs(b.0 - x0), dy = -abs(b.1 - y0)
        let sx = x0 < b.0 ? 1 : -1, sy = y0 < b.1 ? 1 : -1
        var err = dx + dy
        for _ in 0...(dx - dy) {
            set(x0, y0, color)
            if x0 == b.0 && y0 == b.1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x0 += sx }
            if e2 <= dx { err += dx; y0 += sy }
        }
    }
}

public enum PNGEncoder {
    /// The PNG file bytes of `image`.
    public static func encode(_ image: RGBImage) throws -> [UInt8] {
        guard image.width > 0, image.height > 0, image.pixels.count == 3 * image.width * image.height else {
            throw PhantomError("PNG: image \(image.width)x\(image.height) with \(image.pixels.count) bytes is invalid", isInputError: false)
        }
        var raw = [UInt8]()
        raw.reserveCapacity((3 * image.width + 1) * image.height)
        for y in 0..<image.height {
            raw.append(0)   // filter type None
            raw.append(contentsOf: image.pixels[(3 * image.width * y)..<(3 * image.width * (y + 1))])
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        ihdr += [8, 2, 0, 0, 0]   // bit depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
        chunk("IHDR", ihdr, into: &out)
        chunk("IDAT", try Gzip.compress(raw, format: .zlib, level: 6), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out += bigEndian(Gzip.crc32(typeBytes + data))
    }
}
