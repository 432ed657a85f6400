import Foundation
import AblasimCore

/// Stainless steel of needle electrodes: AISI 304 at 300 K, Incropera, DeWitt, Bergman &
/// Lavine, Fundamentals of Heat and Mass Transfer, 6th ed., Table A.1:
/// density 7900 kg/m^3, specific heat 477 J/(kg K), thermal conductivity 14.9 W/(m K).
public enum ElectrodeSteel {
    public static let density = 7900.0
    public static let specificHeat = 477.0
    public static let thermalConductivity = 14.9
}

/// The metal shaft of one RF probe as a 1D fin along its axis, coupled to the tissue voxels
/// around it through the analytic near field of a cylinder (`ElectrodeNearField`).
///
/// The shaft inside the grid is cut into segments of one voxel length ds from the tip
/// backwards. Segment s holds the metal temperature T_s (one value across the section:
/// the Biot number of a steel needle in tissue, k_tissue / k_steel ~ 0.03, is small):
///
///   C_s dT_s/dt = sum_f g_f (T_n(f) - T_s) + K (T_(s-1) - 2 T_s + T_(s+1))
///                 + G_c (T_coolant - T_s) + H_s,
///
/// C_s = rho c A_m ds heat capacity [J/K] (A_m metal cross-section), K = k_steel A_m / ds
/// axial conductance [W/K], g_f [W/K] the near-field conductance of each face f between a
/// shaft voxel of segment s and a tissue voxel n (lambda_f k_n A_f / h, see below),
/// G_c = h_film 2 pi r_e ds the coolant film of an internally cooled probe, H_s [W] the share
/// of the electrode-face Joule heating that belongs to the metal (below). Implicit in T_s
/// (tridiagonal, Thomas algorithm): the metal's time constant (~0.1 s) is shorter than a step.
///
/// The shaft voxels are held at their segment's T_s (`ThermalMaterial.fixedTemperature`); the
/// thermal solver conducts 2 k_n A / h across each of their faces and the source adds the
/// difference to g_f. Each tissue voxel's exchange over the step is limited to
/// C_n (1 - exp(-G_n dt / C_n)) (T_s - T_n) (G_n its total near-field conductance): the exact
/// relaxation of the voxel alone towards the shaft, so a near-field conductance above the
/// lattice's never overshoots; the shaft sees the same exchange (energy-conserving).
///
/// Heating in the annulus: the electrode-face dissipation G (dV)^2 is the Joule heat of the
/// annulus r_e..rho_n. Half of it goes to the metal node and half to the tissue voxel: with
/// q ~ 1/r^2 the steady rise of the surface over the tissue node is
/// F_e ln(rho/r_e) / (2 pi k) + A ln^2(rho/r_e) / (2 k) (`CylindricalElectrode.temperatureRise`),
/// and a node receiving half of the annulus heat P' = 2 pi A ln(rho/r_e) behind the
/// resistance ln(rho/r_e) / (2 pi k) rises by exactly that, for any surface flow F_e.
///
/// Metal parts: a monopolar cannula is one piece of steel up to the entry; a bipolar probe's
/// listed insulation segments are polymer gaps, which break the axial conduction; the
/// shaft behind the last electrode is steel joined to it. The fin ends where the shaft
/// leaves the grid (adiabatic there). The cross-section is a solid rod of radius r_e for an
/// uncooled probe (the cannula with its inserted electrode or thermocouple stylet, assumed)
/// and a tube of inner radius 0.7 r_e for a cooled one (assumed regular wall, ISO 9626 ID/OD
/// about 0.65-0.75 for 15-22 G). The thin insulating coat of the shaft is neglected
/// (tens of micrometres of polymer: ln(1 + t/r_e) / (2 pi k_coat) is small next to the tissue).
final class ElectrodeShaft {
    let probe: Probe
    let segmentLength: Double
    let count: Int
    /// Heat capacity [J/K], axial conductance to the next segment [W/K], coolant conductance [W/K].
    let capacity: [Double], axial: [Double], coolant: [Double]
    let coolantTemperature: Double
    /// Metal temperature per segment [C].
    var temperature: [Double]

    init(probe: Probe, lengthInGrid: Double, spacing: Double, initialTemperature: Double) {
        self.probe = probe
        segmentLength = spacing
        let count = max(1, Int((lengthInGrid / spacing).rounded(.up)))
        self.count = count
        let r = probe.radius
        let inner = probe.cooling == nil ? 0 : 0.7 * r
        let area = Double.pi * (r * r - inner * inner)
        capacity = [Double](repeating: ElectrodeSteel.density * ElectrodeSteel.specificHeat * area * spacing, count: count)
        // Kind of each segment at its centre: polymer gaps break the conduction.
        var gap = [Bool](repeating: false, count: count)
        let bipolar = probe.isBipolar
        for s in 0..<count {
            let t = (Double(s) + 0.5) * spacing
            var a = 0.0
            for seg in probe.segments {
                if t >= a && t < a + seg.length, bipolar, seg.kind == .insulation { gap[s] = true }
                a += seg.length
            }
        }
        let link = ElectrodeSteel.thermalConductivity * area / spacing
        axial = (0..<count).map { s in s + 1 < count && !gap[s] && !gap[s + 1] ? link : 0 }
        if let c = probe.cooling {
            coolant = [Double](repeating: c.filmCoefficient * 2 * Double.pi * r * spacing, count: count)
            coolantTemperature = c.coolantTemperature
        } else {
            coolant = [Double](repeating: 0, count: count)
            coolantTemperature = 0
        }
        temperature = [Double](repeating: probe.cooling?.coolantTemperature ?? initialTemperature, count: count)
    }

    /// Segment holding axial position t [m] from the tip.
    @inline(__always)
    func segment(at t: Double) -> Int { min(max(Int(t / segmentLength), 0), count - 1) }

    /// Metal temperature at distance d [m] back from the tip, linear between segment centres.
    func temperature(atDistance d: Double) -> Double {
        let x = d / segmentLength - 0.5
        guard x > 0 else { return temperature[0] }
        let s = min(Int(x), count - 1)
        guard s + 1 < count else { return temperature[count - 1] }
        let f = x - Double(s)
        return temperature[s] * (1 - f) + temperature[s + 1] * f
    }

    /// One implicit step of length dt [s]: `exchange[s]` = sum of g_f over the segment's faces
    /// [W/K], `drive[s]` = sum of g_f T_n [W], `heat[s]` = H_s [W].
    func step(dt: Double, exchange: [Double], drive: [Double], heat: [Double]) {
        let n = count
        var lower = [Double](repeating: 0, count: n), diag = lower, upper = lower, rhs = lower
        for s in 0..<n {
            let c = capacity[s] / dt
            let left = s > 0 ? axial[s - 1] : 0, right = axial[s]
            diag[s] = c + exchange[s] + coolant[s] + left + right
            lower[s] = -left; upper[s] = -right
            rhs[s] = c * temperature[s] + drive[s] + heat[s] + coolant[s] * coolantTemperature
        }
        // Thomas algorithm (diagonally dominant: no pivoting needed).
        for s in 1..<max(n, 1) {
            let m = lower[s] / diag[s - 1]
            diag[s] -= m * upper[s - 1]
            rhs[s] -= m * rhs[s - 1]
        }
        temperature[n - 1] = rhs[n - 1] / diag[n - 1]
        if n > 1 {
            for s in stride(from: n - 2, through: 0, by: -1) {
                temperature[s] = (rhs[s] - upper[s] * temperature[s + 1]) / diag[s]
            }
        }
    }
}
