/// A spherical electrode of radius a at potential V0 in an infinite uniform conductor,
/// ground at infinity:
///
///   V(r) = V0 a / r,   current I = 4 pi sigma a V0,   resistance R = 1 / (4 pi sigma a),
///   Joule heating q(r) = sigma |grad V|^2 = sigma V0^2 a^2 / r^4,   r >= a,
///
/// V potential [V], sigma electrical conductivity [S/m], a radius [m], r distance from the
/// centre [m], q [W/m^3]. Total power V0 I equals the integral of q outside the sphere.
/// Source: ../shared/data/analytic-oracles.md item 6.
public struct SphericalElectrode: Sendable, Equatable {
    public var radius: Double
    public var potential: Double
    public var conductivity: Double

    public init(radius: Double, potential: Double, conductivity: Double) {
        self.radius = radius; self.potential = potential; self.conductivity = conductivity
    }

    /// V(r) [V]; V0 inside the electrode.
    public func potential(at r: Double) -> Double { r <= radius ? potential : potential * radius / r }

    /// Current leaving the electrode [A].
    public var current: Double { 4 * Double.pi * conductivity * radius * potential }

    /// Electrode-to-infinity resistance [ohm].
    public var resistance: Double { 1 / (4 * Double.pi * conductivity * radius) }

    /// Delivered power V0 I [W].
    public var power: Double { potential * current }

    /// Joule heating q(r) [W/m^3]; 0 inside the (perfectly conducting) electrode.
    public func jouleHeating(at r: Double) -> Double {
        guard r > radius else { return 0 }
        let r2 = r * r
        return conductivity * potential * potential * radius * radius / (r2 * r2)
    }
}
