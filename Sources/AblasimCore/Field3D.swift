#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scalar field on a `Grid3D`: 64-byte aligned storage with a one-voxel halo on every
/// side, so stencil kernels read neighbours without boundary branches.
///
/// Padded layout, x fastest: index(i, j, k) = (k+1) strideZ + (j+1) strideY + (i+1)
/// for interior voxels 0 <= i < nx etc.; halo indices are -1 and n.
public final class Field3D<Element>: @unchecked Sendable {
    public let nx: Int, ny: Int, nz: Int
    public let strideY: Int, strideZ: Int
    /// Number of elements including the halo.
    public let count: Int
    /// First element of the padded storage.
    public let base: UnsafeMutablePointer<Element>

    public init(nx: Int, ny: Int, nz: Int, repeating value: Element) {
        precondition(nx > 0 && ny > 0 && nz > 0, "Field3D dimensions must be positive")
        self.nx = nx; self.ny = ny; self.nz = nz
        strideY = nx + 2
        strideZ = (nx + 2) * (ny + 2)
        count = strideZ * (nz + 2)
        var raw: UnsafeMutableRawPointer?
        let bytes = max(count * MemoryLayout<Element>.stride, 64)
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("out of memory allocating a \(nx)x\(ny)x\(nz) field (\(bytes) bytes)")
        }
        base = raw.bindMemory(to: Element.self, capacity: count)
        base.initialize(repeating: value, count: count)
    }

    public convenience init(grid: Grid3D, repeating value: Element) {
        self.init(nx: grid.nx, ny: grid.ny, nz: grid.nz, repeating: value)
    }

    deinit {
        base.deinitialize(count: count)
        free(base)
    }

    @inline(__always)
    public func index(_ i: Int, _ j: Int, _ k: Int) -> Int {
        (k + 1) * strideZ + (j + 1) * strideY + (i + 1)
    }

    public subscript(i: Int, j: Int, k: Int) -> Element {
        @inline(__always) get { base[index(i, j, k)] }
        @inline(__always) set { base[index(i, j, k)] = newValue }
    }

    public var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Pointer to the first interior voxel of row (j, k).
    @inline(__always)
    public func row(_ j: Int, _ k: Int) -> UnsafeMutablePointer<Element> { base + index(0, j, k) }

    public func fill(_ value: Element) { base.update(repeating: value, count: count) }

    /// Copies every element, halo included, from a field of the same shape.
    public func copy(from other: Field3D<Element>) {
        precondition(other.count == count, "fields differ in shape")
        base.update(from: other.base, count: count)
    }

    public func copy() -> Field3D<Element> {
        let f = Field3D(nx: nx, ny: ny, nz: nz, repeating: base[0])
        f.copy(from: self)
        return f
    }

    /// Sets every halo element to `value`.
    public func fillHalo(_ value: Element) {
        for k in -1...nz {
            for j in -1...ny {
                if k == -1 || k == nz || j == -1 || j == ny {
                    (base + index(-1, j, k)).update(repeating: value, count: nx + 2)
                } else {
                    self[-1, j, k] = value
                    self[nx, j, k] = value
                }
            }
        }
    }

    /// Interior values in x-fastest order without the halo.
    public func interior() -> [Element] {
        var out = [Element]()
        out.reserveCapacity(nx * ny * nz)
        for k in 0..<nz { for j in 0..<ny { out.append(contentsOf: UnsafeBufferPointer(start: row(j, k), count: nx)) } }
        return out
    }

    /// Fills the interior from x-fastest values.
    public func setInterior(_ values: [Element]) {
        precondition(values.count == nx * ny * nz, "expected \(nx * ny * nz) values, got \(values.count)")
        values.withUnsafeBufferPointer { src in
            for k in 0..<nz { for j in 0..<ny {
                row(j, k).update(from: src.baseAddress! + (k * ny + j) * nx, count: nx)
            } }
        }
    }
}

extension Field3D where Element: BinaryFloatingPoint {
    /// Trilinear interpolation at a continuous voxel index (voxel centres at integers),
    /// clamped to the interior (`TrilinearStencil`): the value a point probe such as a
    /// thermocouple reads.
    public func trilinear(at p: SIMD3<Double>) -> Double {
        var sum = 0.0
        TrilinearStencil.forEachCorner(at: p, dims: SIMD3(nx, ny, nz)) { q, w in sum += Double(self[q.x, q.y, q.z]) * w }
        return sum
    }
}
