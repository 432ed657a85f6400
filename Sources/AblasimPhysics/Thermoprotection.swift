import Foundation
import AblasimCore

/// Thermoprotection of the spinal canal, for every modality (DESIGN.md section 2).
///
/// - CO2 dissection: gas insufflated into the epidural space, a thermal insulator
///   (k = 0.0166 W/(m K)) and, for RF, an electrical one.
/// - 5 % dextrose dissection: a non-ionic fluid, thermally water-like, electrically
///   insulating for RF.
/// Both replace the material of the phantom's epidural label (`epidural_fat`) with the
/// tissue table's `carbon_dioxide` or `dextrose_5pct`, so every voxel of the label changes.
/// - Saline irrigation: warm (or cool) saline circulated through the epidural space, held at
///   its inflow temperature. The label becomes `saline_irrigation`, a water-like fluid with
///   the electrical and dielectric values of CSF (both physiological saline solutions;
///   Gabriel 1996 'Cerebro Spinal Fluid'), and the returned source holds its voxels at the
///   saline temperature every step.
public enum Thermoprotection {
    public enum Option: Equatable, Sendable {
        case co2Dissection
        case dextroseDissection
        /// Circulating saline at `temperature` [C], valid (0, 45] C.
        case salineIrrigation(temperature: Double)
    }

    /// The phantom label the epidural space carries.
    public static let epiduralLabel = "epidural_fat"

    /// Applies `option` to the epidural material of `model`. Returns the boundary condition
    /// that holds the saline temperature (add it to the simulation's boundaries), nil for
    /// dissections.
    /// Apply before installing the modality's applicators, so their patterns see the new
    /// material (the microwave and laser patterns are computed from the solver's materials
    /// in any case).
    /// - Throws: `PhysicsError.invalidInput` when the model has no epidural material or the
    ///   saline temperature is out of range.
    @discardableResult
    public static func apply(_ option: Option, to model: inout ThermalModel, table: TissueTable = .standard,
                             label: String = Thermoprotection.epiduralLabel) throws -> BoundaryCondition? {
        guard let index = model.materialIndex(named: label) else {
            let names = model.materials.map(\.name).joined(separator: ", ")
            throw PhysicsError.invalidInput("thermoprotection needs the epidural label '\(label)' in the phantom; its materials are: \(names)")
        }
        func replacement(_ name: String) throws -> Tissue {
            var t = try table.tissue(named: name, context: "thermoprotection")
            t.source = "thermoprotection replacing '\(label)': " + t.source
            return t
        }
        switch option {
        case .co2Dissection:
            model.replaceMaterial(at: index, with: .tissue(try replacement("carbon_dioxide")))
            return nil
        case .dextroseDissection:
            model.replaceMaterial(at: index, with: .tissue(try replacement("dextrose_5pct")))
            return nil
        case .salineIrrigation(let temperature):
            guard temperature.isFinite, temperature > 0, temperature <= 45 else {
                throw PhysicsError.invalidInput(String(format: "saline irrigation temperature %g C is out of range; valid: (0, 45] C", temperature))
            }
            var saline = try replacement("csf")
            saline.name = "saline_irrigation"
            saline.perfusionMlMinKg = 0
            saline.status = "assumed"
            saline.source = "circulating saline replacing '\(label)': CSF values (physiological saline; Gabriel 1996 'Cerebro Spinal Fluid' electrical, IT'IS thermal)"
            model.replaceMaterial(at: index, with: .tissue(saline))
            return SalineIrrigation(material: index, temperature: temperature)
        }
    }
}

/// Holds the irrigated epidural space at the saline temperature.
public final class SalineIrrigation: BoundaryCondition {
    public let name = "saline_irrigation"
    public let material: Int
    /// Saline temperature [C].
    public let temperature: Double
    private var indices: [Int]?

    init(material: Int, temperature: Double) {
        self.material = material; self.temperature = temperature
    }

    public func bind(to solver: PennesSolver<Float>) throws {
        if indices == nil {
            var list: [Int] = []
            let c = solver.codes
            for k in 0..<solver.grid.nz { for j in 0..<solver.grid.ny { for i in 0..<solver.grid.nx
                where Int(c[i, j, k] & ~MaterialCode.coagulated) == material { list.append(c.index(i, j, k)) } } }
            indices = list
        }
    }

    public func hold(solver: PennesSolver<Float>, time: Double) throws {
        let t = solver.temperature.base, v = Float(temperature)
        for i in indices! { t[i] = v }
    }
}
