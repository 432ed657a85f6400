import AblasimCore

/// What a material code means to the thermal solver.
public enum ThermalMaterial: Equatable, Sendable {
    /// Living tissue: conducts, is perfused, can coagulate.
    case tissue(Tissue)
    /// A voxel that holds its own temperature (probe metal). The held temperature acts on
    /// the voxel's faces (Dirichlet condition on the shared face): a tissue neighbour
    /// exchanges heat through its own half cell, conductance 2 k / h, the same as at a
    /// fixed outer wall and the film-free limit of `cooledSurface`. A voxelized sphere's
    /// faces enclose about the sphere's volume, so this places the surface at its true
    /// radius on average (at the voxel centres it sat up to a cell inside; `ablasim validate`,
    /// case perfused-sphere-steady, measured 17.6 % error at a/h = 4 then, 4.9 % now).
    case fixedTemperature(name: String)
    /// A cooled surface (coolant inside a probe): the voxel holds the coolant temperature
    /// and each tissue face exchanges heat through a film coefficient h [W/(m^2 K)] in
    /// series with the tissue's half cell.
    case cooledSurface(name: String, filmCoefficient: Double)

    public var name: String {
        switch self {
        case .tissue(let t): return t.name
        case .fixedTemperature(let n), .cooledSurface(let n, _): return n
        }
    }

    public var tissue: Tissue? {
        if case .tissue(let t) = self { return t }
        return nil
    }
}

/// Condition on the six outer faces of the domain, applied through the halo.
public enum OuterBoundary: Equatable, Sendable {
    /// No heat flux (symmetry or far field much larger than the heated zone).
    case insulated
    /// Temperature held at the outer faces [C] (body core at 37 C far from the probe).
    case fixedTemperature(Double)
    /// Temperature held one voxel beyond the grid, at the halo voxel centres: every outer
    /// face conducts k/h like an interior face. For truncated anatomy (a phantom's edge is
    /// an arbitrary cut through the body, tens of mm from the probes) this places the 37 C
    /// surface half a voxel further out than `.fixedTemperature`, and it keeps the outer
    /// voxels from limiting the explicit step: with the wall on the face a corner voxel
    /// conducts 3 x 2k/h + 3 x k/h = 9 k/h, a third more than an interior voxel's 6 k/h.
    case heldBeyondGrid(Double)
    /// Convective exchange with film coefficient h [W/(m^2 K)] to an ambient [C].
    case convective(filmCoefficient: Double, ambient: Double)

    public var haloTemperature: Double {
        switch self {
        case .insulated: return Blood.arterialTemperature
        case .fixedTemperature(let t), .heldBeyondGrid(let t): return t
        case .convective(_, let a): return a
        }
    }

    func validate() throws {
        switch self {
        case .insulated: return
        case .fixedTemperature(let t), .heldBeyondGrid(let t):
            guard t.isFinite, t > -273.15 else { throw PhysicsError.invalidInput("boundary temperature \(t) C is not valid: it must be finite and above -273.15 C") }
        case .convective(let h, let a):
            guard h.isFinite, h > 0 else { throw PhysicsError.invalidInput("boundary film coefficient \(h) W/(m^2 K) is not valid: it must be finite and > 0") }
            guard a.isFinite, a > -273.15 else { throw PhysicsError.invalidInput("ambient temperature \(a) C is not valid") }
        }
    }
}
