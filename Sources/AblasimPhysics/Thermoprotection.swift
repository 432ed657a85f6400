import AblasimCore

/// Thermoprotection of the spinal canal by dissection of the epidural space: the epidural
/// fat is displaced by an injected medium, modelled by giving the epidural label that
/// medium's properties (DESIGN.md section 2).
///
/// - CO2 insufflation: a gas, thermally and electrically insulating
///   (tissue table `carbon_dioxide`).
/// - 5 % dextrose (non-ionic hydrodissection): electrically insulating, thermally
///   water-like (tissue table `dextrose_5pct`).
public enum EpiduralDissection: String, CaseIterable, Sendable {
    case none, co2, dextrose

    /// The tissue-table entry of the dissection medium.
    public var mediumTissue: String? {
        switch self {
        case .none: return nil
        case .co2: return "carbon_dioxide"
        case .dextrose: return "dextrose_5pct"
        }
    }

    /// Replaces the epidural fat's material by the medium. Throws when the model has no
    /// epidural fat to replace.
    public func apply(to model: inout ThermalModel, table: TissueTable) throws {
        guard let medium = mediumTissue else { return }
        guard let index = model.materialIndex(named: "epidural_fat") else {
            throw PhysicsError.invalidInput("epidural dissection '\(rawValue)' needs an 'epidural_fat' label in the phantom; this phantom has: \(model.materials.map(\.name).joined(separator: ", "))")
        }
        var tissue = try wrap { try table.tissue(named: medium, context: "epidural dissection") }
        // Keep the name so outputs still say which anatomical space was dissected.
        tissue.source = "epidural space dissected with \(medium): " + tissue.source
        model.replaceMaterial(at: index, with: .tissue(tissue))
    }
}
