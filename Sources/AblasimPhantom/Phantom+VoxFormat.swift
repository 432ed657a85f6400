import AblasimCore
import Foundation

/// The .vox phantom file (docs/vox-format.md): a text header of `key values...` lines in
/// millimetres, protected by a CRC-32, then the uint8 label payload (x fastest), raw or
/// gzip, protected by a CRC-32 of the uncompressed labels.
extension Phantom {
    /// First line of every .vox file.
    public static let voxMagic = "ABLASIM-VOX 1"
    /// The header may not exceed this many bytes (a legend of 256 labels and hundreds of
    /// landmarks fit in a few kB).
    public static let voxMaxHeaderBytes = 1 << 20

    /// Payload encoding of a .vox file.
    public enum VoxEncoding: String, Sendable { case raw, gzip }

    /// Reads a .vox file (raw or gzip payload), checking both CRCs, the dimensions against
    /// the payload size before any large allocation, the legend and the landmarks.
    public static func read(from url: URL) throws -> Phantom {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PhantomError("cannot read phantom \(url.path): \(error.localizedDescription)")
        }
        return try decodeVox([UInt8](data), context: url.path)
    }

    /// Writes the phantom as .vox, atomically (temporary file + rename).
    public func write(to url: URL, encoding: VoxEncoding = .gzip) throws {
        try AtomicFile.write(try encodeVox(encoding: encoding), to: url)
    }

    /// Writes the phantom as .vox with a gzip payload, atomically.
    public func write(to url: URL) throws {
        try write(to: url, encoding: .gzip)
    }

    /// The bytes of the .vox file. Deterministic: the same phantom gives the same bytes.
    public func encodeVox(encoding: VoxEncoding = .gzip) throws -> [UInt8] {
        try validate(context: "phantom '\(name)'")
        guard !name.isEmpty, !name.contains(where: { $0.isNewline }) else {
            throw PhantomError("phantom name '\(name)' must be one non-empty line")
        }
        func mm(_ v: Double) -> String { Phantom.formatMillimetres(v) }
        func mm3(_ p: SIMD3<Double>) -> String { "\(mm(p.x)) \(mm(p.y)) \(mm(p.z))" }
        var h = Phantom.voxMagic + "\n"
        h += "name \(name)\n"
        h += "dims \(grid.nx) \(grid.ny) \(grid.nz)\n"
        h += "spacing_mm \(mm3(grid.spacing))\n"
        h += "origin_mm \(mm3(grid.origin))\n"
        h += "direction \(grid.direction.map { "\($0)" }.joined(separator: " "))\n"
        for (label, tissue) in legend.sorted(by: { $0.key < $1.key }) {
            guard tissue.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), !tissue.isEmpty else {
                throw PhantomError("tissue name '\(tissue)' of label \(label) must be letters, digits, '_' or '-'")
            }
            h += "label \(label) \(tissue)\n"
        }
        if let p = landmarks.pedicleLeft { h += "pedicle_left \(mm3(p.entry)) \(mm3(p.target))\n" }
        if let p = landmarks.pedicleRight { h += "pedicle_right \(mm3(p.entry)) \(mm3(p.target))\n" }
        if let t = landmarks.tumorCenter { h += "tumor_center \(mm3(t))\n" }
        for site in landmarks.sites.keys.sorted() {
            guard Phantom.isValidSiteName(site) else {
                throw PhantomError("thermocouple site name '\(site)' must be letters, digits, '_' or '-'")
            }
            h += "site \(site) \(mm3(landmarks.sites[site]!))\n"
        }
        for warning in auditWarnings.map(Phantom.headerText) where !warning.isEmpty { h += "audit_warning \(warning)\n" }
        let payload = encoding == .gzip ? try Gzip.compress(labels, format: .gzip, level: 6) : labels
        h += "payload \(encoding.rawValue) \(payload.count)\n"
        h += "labels_crc32 \(Phantom.hex(Gzip.crc32(labels)))\n"
        var header = Array(h.utf8)
        header += Array("header_crc32 \(Phantom.hex(Gzip.crc32(header)))\nend\n".utf8)
        return header + payload
    }

    /// Parses the bytes of a .vox file; `context` names the file in error messages.
    public static func decodeVox(_ bytes: [UInt8], context: String) throws -> Phantom {
        // Locate the end of the header without scanning more than the header limit.
        let endMarker = Array("\nend\n".utf8)
        let magic = Array((voxMagic + "\n").utf8)
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            let crlfMagic = Array((voxMagic + "\r\n").utf8)
            if bytes.count >= crlfMagic.count, Array(bytes[0..<crlfMagic.count]) == crlfMagic {
                // A text editor or a Windows checkout (git autocrlf) turned \n into \r\n. The
                // header CRC and the payload bytes change with it, so the file cannot be read.
                throw PhantomError("\(context): the file has CRLF (Windows) line endings; a .vox header uses single \\n line ends (docs/vox-format.md) and its CRC covers them, and the binary payload was altered too. Get an unaltered copy (for git: mark *.vox as binary in .gitattributes)")
            }
            if Gzip.isGzip(bytes) {
                throw PhantomError("\(context): this is a gzip file, not a .vox phantom (a .vox file starts with '\(voxMagic)'; its payload, not the whole file, may be gzip)")
            }
            throw PhantomError("\(context): not a .vox phantom (the file must start with the line '\(voxMagic)')")
        }
        var headerEnd = -1
        let scanLimit = min(bytes.count, voxMaxHeaderBytes)
        if scanLimit >= endMarker.count {
            outer: for i in 0...(scanLimit - endMarker.count) where bytes[i] == 0x0a {
                for m in 1..<endMarker.count where bytes[i + m] != endMarker[m] { continue outer }
                headerEnd = i + endMarker.count
                break
            }
        }
        guard headerEnd > 0 else {
            throw PhantomError("\(context): the header has no 'end' line within its first \(scanLimit) bytes; the file is truncated or not a .vox phantom")
        }
        guard let headerText = String(bytes: bytes[0..<headerEnd], encoding: .utf8) else {
            throw PhantomError("\(context): the header is not valid UTF-8 text (corrupt file)")
        }
        var lines = headerText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        // The CRC covers every byte before the header_crc32 line.
        guard lines.count >= 3, lines[lines.count - 1] == "end", lines[lines.count - 2].hasPrefix("header_crc32 ") else {
            throw PhantomError("\(context): the header must end with the lines 'header_crc32 <hex>' and 'end'")
        }
        let crcLine = lines[lines.count - 2]
        let crcLineStart = headerEnd - "end\n".utf8.count - crcLine.utf8.count - 1
        let storedHeaderCRC = String(crcLine.dropFirst("header_crc32 ".count))
        let actualHeaderCRC = hex(Gzip.crc32(Array(bytes[0..<crcLineStart])))
        guard storedHeaderCRC == actualHeaderCRC else {
            throw PhantomError("\(context): header checksum mismatch (stored \(storedHeaderCRC), computed \(actualHeaderCRC)); the header is corrupt")
        }

        var name: String?
        var dims: [Int]?
        var spacing: SIMD3<Double>?
        var origin: SIMD3<Double>?
        var direction: [Double]?
        var legend: [UInt8: String] = [:]
        var landmarks = Landmarks()
        var payload: (VoxEncoding, Int)?
        var labelsCRC: String?
        var seenKeys = Set<String>()
        var auditWarnings: [String] = []

        for (n, line) in lines.dropFirst().dropLast(2).enumerated() {
            let lineNumber = n + 2
            let where_ = "\(context):\(lineNumber)"
            let tokens = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let key = tokens.first else { throw PhantomError("\(where_): empty header line") }
            let values = Array(tokens.dropFirst())
            func numbers(_ count: Int) throws -> [Double] {
                guard values.count == count else {
                    throw PhantomError("\(where_): '\(key)' needs \(count) numbers, found \(values.count)")
                }
                return try values.map { v in
                    guard let d = Double(v), d.isFinite else { throw PhantomError("\(where_): '\(key)': '\(v)' is not a finite number") }
                    return d
                }
            }
            func point(_ v: [Double], _ offset: Int = 0) -> SIMD3<Double> { SIMD3(v[offset], v[offset + 1], v[offset + 2]) / 1000 }
            if key != "label" && key != "site" && key != "audit_warning" {
                guard !seenKeys.contains(key) else { throw PhantomError("\(where_): '\(key)' appears twice") }
                seenKeys.insert(key)
            }
            switch key {
            case "name":
                name = values.joined(separator: " ")
            case "dims":
                guard values.count == 3 else { throw PhantomError("\(where_): 'dims' needs 3 integers, found \(values.count)") }
                dims = try values.map { v in
                    guard let i = Int(v), i >= 1 else { throw PhantomError("\(where_): dims value '\(v)' must be an integer >= 1") }
                    return i
                }
            case "spacing_mm":
                spacing = point(try numbers(3))
            case "origin_mm":
                origin = point(try numbers(3))
            case "direction":
                direction = try numbers(9)
            case "label":
                guard values.count == 2, let l = Int(values[0]), (0...255).contains(l) else {
                    throw PhantomError("\(where_): 'label' needs a label 0-255 and a tissue name, e.g. 'label 3 cortical_bone'")
                }
                guard legend[UInt8(l)] == nil else { throw PhantomError("\(where_): label \(l) is defined twice") }
                legend[UInt8(l)] = values[1]
            case "pedicle_left", "pedicle_right":
                let v = try numbers(6)
                let axis = PedicleAxis(entry: point(v), target: point(v, 3))
                if key == "pedicle_left" { landmarks.pedicleLeft = axis } else { landmarks.pedicleRight = axis }
            case "tumor_center":
                landmarks.tumorCenter = point(try numbers(3))
            case "site":
                guard values.count == 4, isValidSiteName(values[0]) else {
                    throw PhantomError("\(where_): 'site' needs a name (letters, digits, '_', '-') and 3 coordinates in mm")
                }
                guard landmarks.sites[values[0]] == nil else { throw PhantomError("\(where_): site \(values[0]) is defined twice") }
                let v = try values.dropFirst().map { s -> Double in
                    guard let d = Double(s), d.isFinite else { throw PhantomError("\(where_): site \(values[0]): '\(s)' is not a finite number") }
                    return d
                }
                landmarks.sites[values[0]] = point(v)
            case "audit_warning":
                guard !values.isEmpty else { throw PhantomError("\(where_): 'audit_warning' needs the text of an anatomy-audit finding") }
                auditWarnings.append(Phantom.headerText(values.joined(separator: " ")))
            case "payload":
                guard values.count == 2, let enc = VoxEncoding(rawValue: values[0]), let size = Int(values[1]), size >= 0 else {
                    throw PhantomError("\(where_): 'payload' needs an encoding (raw or gzip) and a byte count")
                }
                payload = (enc, size)
            case "labels_crc32":
                guard values.count == 1 else { throw PhantomError("\(where_): 'labels_crc32' needs one hex value") }
                labelsCRC = values[0]
            default:
                throw PhantomError("\(where_): unknown header key '\(key)'; valid keys: name, dims, spacing_mm, origin_mm, direction, label, pedicle_left, pedicle_right, tumor_center, site, audit_warning, payload, labels_crc32, header_crc32")
            }
        }
        func missing(_ key: String) -> PhantomError { PhantomError("\(context): the header has no '\(key)' line") }
        guard let dims else { throw missing("dims") }
        guard let spacing else { throw missing("spacing_mm") }
        guard let origin else { throw missing("origin_mm") }
        guard let direction else { throw missing("direction") }
        guard let payload else { throw missing("payload") }
        guard let labelsCRC else { throw missing("labels_crc32") }
        guard !legend.isEmpty else { throw PhantomError("\(context): the header has no 'label' lines (the legend is empty)") }
        let grid: Grid3D
        do {
            grid = try Grid3D(nx: dims[0], ny: dims[1], nz: dims[2], spacing: spacing, origin: origin, direction: direction)
        } catch let e as CoreError {
            throw PhantomError("\(context): \(e.message)")
        }
        let available = bytes.count - headerEnd
        guard payload.1 == available else {
            throw PhantomError("\(context): the header announces a \(payload.1)-byte payload but \(available) bytes follow it; the file is truncated or has trailing data")
        }
        let voxels = grid.voxelCount
        let labels: [UInt8]
        switch payload.0 {
        case .raw:
            guard available == voxels else {
                throw PhantomError("\(context): a raw payload of \(available) bytes cannot hold \(dims[0])x\(dims[1])x\(dims[2]) = \(voxels) labels")
            }
            labels = Array(bytes[headerEnd...])
        case .gzip:
            guard voxels <= Gzip.maxRatio * available + 1024 else {
                throw PhantomError("\(context): a gzip payload of \(available) bytes cannot inflate to \(dims[0])x\(dims[1])x\(dims[2]) = \(voxels) labels; the dimensions are corrupt")
            }
            labels = try Gzip.decompress(Array(bytes[headerEnd...]), maxOutputBytes: voxels, what: "\(context) payload")
            guard labels.count == voxels else {
                throw PhantomError("\(context): the payload inflates to \(labels.count) labels; dims \(dims[0])x\(dims[1])x\(dims[2]) need \(voxels)")
            }
        }
        let actualCRC = hex(Gzip.crc32(labels))
        guard actualCRC == labelsCRC else {
            throw PhantomError("\(context): label checksum mismatch (stored \(labelsCRC), computed \(actualCRC)); the payload is corrupt")
        }
        var phantom = Phantom(name: name ?? URL(fileURLWithPath: context).deletingPathExtension().lastPathComponent,
                              grid: grid, labels: labels, legend: legend, landmarks: landmarks)
        phantom.auditWarnings = auditWarnings
        try phantom.validate(context: context)
        return phantom
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }

    /// One header line's worth of free text: printable ASCII only (anything else becomes
    /// '?', so no terminal escape or newline gets into the header), single spaces, at most
    /// 2000 characters.
    static func headerText(_ s: String) -> String {
        let printable = String(s.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" })
        return String(printable.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").prefix(2000))
    }

    static func isValidSiteName(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// A length in metres as millimetres, shortest round-trip decimal, "-0" avoided.
    static func formatMillimetres(_ metres: Double) -> String {
        let v = metres * 1000
        return v == 0 ? "0" : "\(v)"
    }
}
