import Foundation

/// A long cylindrical electrode of radius a carrying current I' per unit length into a
/// uniform conductor (2D line source; the field near the middle of any needle electrode
/// whose length is much larger than the distance r from its axis):
///
///   V(r) = V(a) - I' / (2 pi sigma) ln(r / a),
///   |E(r)| = I' / (2 pi sigma r),   q(r) = sigma |E|^2 = I'^2 / (4 pi^2 sigma r^2),
///
/// and between coaxial cylinders a < b the conductance per unit length is
/// G' = 2 pi sigma / ln(b / a). The heating in the annulus a..r per unit length is
/// P'(r) = I'^2 ln(r / a) / (2 pi sigma).
///
/// The steady temperature around it (no perfusion, heat flow F_e per unit length leaving
/// the electrode surface into the tissue, thermal conductivity k) follows from
/// (1/r) d/dr (r k dT/dr) + q(r) = 0:
///
///   T(a) - T(r) = F_e ln(r / a) / (2 pi k) + A ln^2(r / a) / (2 k),   A = I'^2 / (4 pi^2 sigma).
///
/// V [V], I' [A/m], sigma [S/m], a, b, r [m], q [W/m^3], k [W/(m K)], F_e [W/m].
/// Source: the potential of a line charge / line current (Jackson, Classical
/// Electrodynamics, 3rd ed., sec. 2.8 and problem 2.3; Smythe, Static and Dynamic
/// Electricity); the temperature by integrating the radial heat equation twice.
public struct CylindricalElectrode: Sendable, Equatable {
    /// Electrode radius a [m].
    public var radius: Double
    /// Current per unit length I' [A/m].
    public var currentPerLength: Double
    /// Electrical conductivity sigma [S/m].
    public var conductivity: Double

    public init(radius: Double, currentPerLength: Double, conductivity: Double) {
        self.radius = radius; self.currentPerLength = currentPerLength; self.conductivity = conductivity
    }

    /// V(a) - V(r) [V] for r >= a.
    public func potentialDrop(to r: Double) -> Double {
        currentPerLength / (2 * Double.pi * conductivity) * log(max(r, radius) / radius)
    }

    /// Joule heating q(r) [W/m^3] (0 inside the electrode).
    public func jouleHeating(at r: Double) -> Double {
        guard r >= radius else { return 0 }
        let e = currentPerLength / (2 * Double.pi * conductivity * r)
        return conductivity * e * e
    }

    /// Heating per unit length of the annulus a..r [W/m].
    public func annulusHeating(to r: Double) -> Double {
        currentPerLength * currentPerLength * log(max(r, radius) / radius) / (2 * Double.pi * conductivity)
    }

    /// Conductance per unit length to a coaxial cylinder of radius b > a [S/m].
    public func conductancePerLength(to b: Double) -> Double { 2 * Double.pi * conductivity / log(b / radius) }

    /// Steady T(a) - T(r) [K] with heat flow `surfaceFlow` F_e [W/m] from the electrode
    /// surface into the tissue and thermal conductivity k [W/(m K)].
    public func temperatureRise(to r: Double, surfaceFlow: Double, thermalConductivity k: Double) -> Double {
        let l = log(max(r, radius) / radius)
        let a = currentPerLength * currentPerLength / (4 * Double.pi * Double.pi * conductivity)
        return surfaceFlow * l / (2 * Double.pi * k) + a * l * l / (2 * k)
    }

    /// Radius at which a field V(a) - V(r) = `drop` at distance r with current I' per length
    /// puts an equivalent cylinder: r exp(-2 pi sigma drop / I') [m]. Used to measure the
    /// radius a discrete electrode behaves like.
    public static func equivalentRadius(distance r: Double, drop: Double, currentPerLength: Double, conductivity: Double) -> Double {
        r * exp(-2 * Double.pi * conductivity * drop / currentPerLength)
    }
}
