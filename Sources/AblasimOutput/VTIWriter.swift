import Foundation
import AblasimCore
import AblasimPhantom

/// VTK ImageData XML (`.vti`, VTK file format 1.0) for ParaView: point data at the voxel
/// centres, little-endian binary in an appended block, zlib-compressed as VTK's
/// vtkZLibDataCompressor writes it (UInt64 header per array: block count, block size, size
/// of a partial last block or 0, then each block's compressed size; then the blocks, each a
/// zlib stream). Origin and spacing in mm; `Direction` carries the grid orientation
/// (row-major 3x3, columns are the voxel axes in RAS), as in the NIfTI files.
public enum VTIWriter {
    public enum Array {
        case float32(String, [Float])
        case uint8(String, [UInt8])
        var name: String { switch self { case .float32(let n, _), .uint8(let n, _): return n } }
        var count: Int { switch self { case .float32(_, let v): return v.count; case .uint8(_, let v): return v.count } }
        var vtkType: String { switch self { case .float32: return "Float32"; case .uint8: return "UInt8" } }
        /// The values as little-endian bytes.
        var bytes: [UInt8] {
            switch self {
            case .uint8(_, let v): return v
            case .float32(_, let v):
                #if _endian(little)
                return v.withUnsafeBytes { [UInt8]($0) }
                #else
                var out: [UInt8] = []
                out.reserveCapacity(4 * v.count)
                for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
                return out
                #endif
            }
        }
    }

    /// Uncompressed bytes per compressed block (VTK reads any block size).
    static let blockSize = 1 << 20

    public static func encode(grid: Grid3D, arrays: [Array]) throws -> Data {
        for a in arrays where a.count != grid.voxelCount {
            throw OutputError.io("VTI array '\(a.name)' has \(a.count) values; the grid has \(grid.voxelCount)")
        }
        var blocks: [Data] = []
        for a in arrays { blocks.append(try compressed(a.bytes, name: a.name)) }
        let ext = "0 \(grid.nx - 1) 0 \(grid.ny - 1) 0 \(grid.nz - 1)"
        let o = grid.origin * 1000, s = grid.spacing * 1000
        let d = grid.direction
        let direction = (0..<3).flatMap { r in (0..<3).map { c in d[3 * c + r] } }.map { "\($0)" }.joined(separator: " ")
        var xml = """
        <?xml version="1.0"?>
        <VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64" compressor="vtkZLibDataCompressor">
          <ImageData WholeExtent="\(ext)" Origin="\(o.x) \(o.y) \(o.z)" Spacing="\(s.x) \(s.y) \(s.z)" Direction="\(direction)">
            <Piece Extent="\(ext)">
              <PointData Scalars="\(arrays.first?.name ?? "")">

        """
        var offset = 0
        for (a, block) in zip(arrays, blocks) {
            xml += "        <DataArray type=\"\(a.vtkType)\" Name=\"\(a.name)\" format=\"appended\" offset=\"\(offset)\"/>\n"
            offset += block.count
        }
        xml += """
              </PointData>
            </Piece>
          </ImageData>
          <AppendedData encoding="raw">
           _
        """
        var data = Data(xml.utf8)
        data.reserveCapacity(data.count + offset + 64)
        for block in blocks { data.append(block) }
        data.append(Data("\n  </AppendedData>\n</VTKFile>\n".utf8))
        return data
    }

    /// One array's compression header and zlib blocks.
    static func compressed(_ raw: [UInt8], name: String) throws -> Data {
        let count = max(1, (raw.count + blockSize - 1) / blockSize)
        var parts: [[UInt8]] = []
        do {
            for b in 0..<count {
                let lo = b * blockSize, hi = min(raw.count, lo + blockSize)
                parts.append(try Gzip.compress(Swift.Array(raw[lo..<hi]), format: .zlib, level: 6))
            }
        } catch {
            throw OutputError.io("cannot compress VTI array '\(name)': \(error)")
        }
        var header: [UInt64] = [UInt64(count), UInt64(blockSize), UInt64(raw.count % blockSize)] + parts.map { UInt64($0.count) }
        var out = Data()
        for i in header.indices { header[i] = header[i].littleEndian }
        header.withUnsafeBytes { out.append(contentsOf: $0) }
        for p in parts { out.append(contentsOf: p) }
        return out
    }
}
