import Foundation
import AblasimPhantom
import AblasimSimulation

/// The generated vertebra an experiment may run on instead of a bench block
/// (`phantom: {vertebra: L1, tumor: lytic, voxel_mm: 0.5}`): the anatomical phantom of
/// `ablasim phantom generate` with the same options, so `vertebra: L1, tumor: lytic,
/// voxel_mm: 0.5` is the committed Phantoms/L1-lytic.vox byte for byte. Its thermocouple
/// sites are the standard ones (`Landmarks.standardSites`: cord, roots, posterior wall).
enum ExperimentVertebra {
    /// The recipe keys; `vertebra` (the level) marks a vertebra recipe.
    static let keys = ["vertebra", "tumor", "tumor_diameter_mm", "tumor_offset_mm", "tumor_breach_mm", "voxel_mm", "margin_mm"]

    /// Sets one recipe key; errors name the key and what is valid.
    static func set(_ o: inout VertebraPhantomOptions, _ key: String, to raw: String, context: String) throws {
        func number() throws -> Double {
            guard let x = Double(raw), x.isFinite else { throw SimulationError.invalidInput("\(context).\(key) = '\(raw)' must be a number (mm)") }
            return x
        }
        switch key {
        case "vertebra": o.level = raw
        case "tumor":
            guard let t = TumorKind(rawValue: raw) else {
                throw SimulationError.invalidInput("\(context).tumor = '\(raw)' is not valid; use \(TumorKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            o.tumor = t
        case "tumor_diameter_mm": o.tumorDiameterMm = try number()
        case "tumor_breach_mm": o.tumorBreachMm = try number()
        case "voxel_mm": o.voxelMm = try number()
        case "margin_mm": o.marginMm = try number()
        case "tumor_offset_mm":
            let c = raw.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard c.count == 3, let x = c[0], let y = c[1], let z = c[2] else {
                throw SimulationError.invalidInput("\(context).tumor_offset_mm = '\(raw)' must be three numbers [x, y, z] (mm, RAS)")
            }
            o.tumorOffsetMm = SIMD3(x, y, z)
        default:
            throw SimulationError.invalidInput("\(context): unknown vertebra phantom key '\(key.prefix(40))'; valid: \(keys.joined(separator: ", "))")
        }
    }

    /// The phantom, with the generator's own validation (level, sizes) as input errors.
    static func build(_ o: VertebraPhantomOptions, context: String) throws -> Phantom {
        do { return try VertebraPhantomGenerator.generate(o) } catch let e as PhantomError {
            throw SimulationError.invalidInput("\(context): \(e.description)")
        }
    }
}
