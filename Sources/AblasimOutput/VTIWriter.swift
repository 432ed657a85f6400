import Foundation
import AblasimCore

/// VTK ImageData XML (`.vti`, VTK file format 1.0) for ParaView: point data at the voxel
/// centres, raw little-endian binary in an appended block with UInt64 byte-count headers.
/// Origin and spacing in mm; `Direction` carries the grid orientation (row-major 3x3,
/// columns are the voxel axes in RAS), as in the NIfTI files.
public enum VTIWriter {
    public enum Array {
        case float32(String, [Float])
        case uint8(String, [UInt8])
        var name: String { switch self { case .float32(let n, _), .uint8(let n, _): return n } }
        var count: Int { switch self { case .float32(_, let v): return v.count; case .uint8(_, let v): return v.count } }
    }

    public static func encode(grid: Grid3D, arrays: [Array]) throws -> Data {
        for a in arrays where a.count != grid.voxelCount {
            throw OutputError.io("VTI array '\(a.name)' has \(a.count) values; the grid has \(grid.voxelCount)")
        }
        let ext = "0 \(grid.nx - 1) 0 \(grid.ny - 1) 0 \(grid.nz - 1)"
        let o = grid.origin * 1000, s = grid.spacing * 1000
        let d = grid.direction
        let direction = (0..<3).flatMap { r in (0..<3).map { c in d[3 * c + r] } }.map { "\($0)" }.joined(separator: " ")
        var xml = """
        <?xml version="1.0"?>
        <VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64">
          <ImageData WholeExtent="\(ext)" Origin="\(o.x) \(o.y) \(o.z)" Spacing="\(s.x) \(s.y) \(s.z)" Direction="\(direction)">
            <Piece Extent="\(ext)">
              <PointData Scalars="\(arrays.first?.name ?? "")">

        """
        var offset = 0
        for a in arrays {
            let (type, bytes) = { () -> (String, Int) in
                switch a { case .float32(_, let v): return ("Float32", 4 * v.count); case .uint8(_, let v): return ("UInt8", v.count) }
            }()
            xml += "        <DataArray type=\"\(type)\" Name=\"\(a.name)\" format=\"appended\" offset=\"\(offset)\"/>\n"
            offset += 8 + bytes
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
        for a in arrays {
            switch a {
            case .float32(_, let v):
                var n = UInt64(4 * v.count).littleEndian
                data.append(Data(bytes: &n, count: 8))
                #if _endian(little)
                v.withUnsafeBytes { data.append(contentsOf: $0) }
                #else
                for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #endif
            case .uint8(_, let v):
                var n = UInt64(v.count).littleEndian
                data.append(Data(bytes: &n, count: 8))
                data.append(contentsOf: v)
            }
        }
        data.append(Data("\n  </AppendedData>\n</VTKFile>\n".utf8))
        return data
    }
}
