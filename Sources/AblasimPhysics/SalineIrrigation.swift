import Foundation
import AblasimCore

/// Warm (or cool) saline circulated through the epidural space to protect the cord and
/// roots, for every modality (DESIGN.md section 2, thermoprotection). The epidural label
/// becomes `saline_irrigation`: a water-like fluid with the electrical and dielectric
/// values of CSF (both physiological saline solutions; Gabriel 1996 'Cerebro Spinal
/// Fluid', IT'IS thermal values), unperfused, and this source holds its voxels at the
/// saline inflow temperature every step (a well-mixed circulating bath).
/// Epidural CO2 / 5 % dextrose dissection is `EpiduralDissection`.
public final class SalineIrrigation: HeatSource {
    public let name = "saline_irrigation"
    /// Material index of the irrigated space.
    public let material: Int
    /// Saline temperature [C].
    public let temperature: Double
    public var powerFactor: Double = 1
    private var indices: [Int]?

    /// The phantom label the epidural space carries.
    public static let epiduralLabel = "epidural_fat"

    init(material: Int, temperature: Double) {
        self.material = material; self.temperature = temperature
    }

    /// Replaces the material of `label` with circulating saline and returns the source that
    /// holds it at `temperature` [C] (add it to the simulation's sources).
    /// - Throws: `PhysicsError.invalidInput` when the model has no such label or the
    ///   temperature is outside (0, 45] C.
    public static func install(temperature: Double, into model: inout ThermalModel, table: TissueTable = .standard,
                               label: String = SalineIrrigation.epiduralLabel) throws -> SalineIrrigation {
        guard temperature.isFinite, temperature > 0, temperature <= 45 else {
            throw PhysicsError.invalidInput(String(format: "saline irrigation temperature %g C is out of range; valid: (0, 45] C", temperature))
        }
        guard let index = model.materialIndex(named: label) else {
            let names = model.materials.map(\.name).joined(separator: ", ")
            throw PhysicsError.invalidInput("saline irrigation needs the epidural label '\(label)' in the phantom; its materials are: \(names)")
        }
        var saline = try wrap { try table.tissue(named: "csf", context: "saline irrigation") }
        saline.name = "saline_irrigation"
        saline.perfusionMlMinKg = 0
        saline.status = "assumed"
        saline.source = "circulating saline replacing '\(label)': CSF values (physiological saline; Gabriel 1996 'Cerebro Spinal Fluid' electrical, IT'IS thermal)"
        model.replaceMaterial(at: index, with: .tissue(saline))
        return SalineIrrigation(material: index, temperature: temperature)
    }

    public func update(solver: PennesSolver<Float>, time: Double) throws {
        if indices == nil {
            var list: [Int] = []
            let c = solver.codes
            for k in 0..<solver.grid.nz { for j in 0..<solver.grid.ny { for i in 0..<solver.grid.nx
                where Int(c[i, j, k] & ~MaterialCode.coagulated) == material { list.append(c.index(i, j, k)) } } }
            indices = list
        }
        let t = solver.temperature.base, v = Float(temperature)
        for i in indices! { t[i] = v }
    }

    /// No generator channel: the irrigation is passive protection.
    public func channelSamples() -> [ChannelSample] { [] }
}
