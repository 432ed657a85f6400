import Foundation
import AblasimSimulation

/// Probe and thermocouple positions as 3D Slicer markups point lists (`.mrk.json`, markups
/// schema v1.0.3), in the RAS frame and millimetres of the NIfTI affines, so they land on
/// the volumes when dropped into Slicer next to them.
public enum Markups {
    static let schemaURL = "https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#"

    /// `probes.mrk.json`: tip and entry of every probe ("left tip", "left entry").
    public static func probes(_ summary: RunSummary) throws -> Data {
        var points: [(String, String, [Double])] = []
        for p in summary.probes {
            points.append(("\(p.name) tip", "active tip of probe \(p.name) (channel \(p.channel))", p.tipMm))
            points.append(("\(p.name) entry", "skin entry of probe \(p.name)", p.entryMm))
        }
        return try encode(name: "probes", colour: [0.55, 0.55, 0.55], points: points)
    }

    /// `thermocouples.mrk.json`: every thermocouple by name, its structure in the description.
    public static func thermocouples(_ summary: RunSummary) throws -> Data {
        try encode(name: "thermocouples", colour: [1, 0.1, 0.1],
                   points: summary.thermocouples.map { ($0.name, "thermocouple, protects: \($0.structure)", $0.positionMm) })
    }

    static func encode(name: String, colour: [Double], points: [(label: String, description: String, mm: [Double])]) throws -> Data {
        let controlPoints: [[String: Any]] = points.enumerated().map { i, p in
            ["id": String(i + 1), "label": p.label, "description": p.description,
             "position": p.mm.map { $0.isFinite ? $0 : 0 }, "orientation": [1.0, 0, 0, 0, 1, 0, 0, 0, 1],
             "selected": true, "locked": true, "visibility": true, "positionStatus": "defined"]
        }
        let markup: [String: Any] = [
            "type": "Fiducial", "name": name, "coordinateSystem": "RAS", "coordinateUnits": "mm", "locked": true,
            "labelFormat": "%N-%d", "controlPoints": controlPoints,
            "display": ["visibility": true, "color": colour, "selectedColor": colour, "glyphType": "Sphere3D", "glyphScale": 2.0,
                        "textScale": 2.5, "pointLabelsVisibility": true],
        ]
        let o: [String: Any] = ["@schema": schemaURL, "markups": [markup]]
        do {
            return try JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
        } catch {
            throw OutputError.io("cannot encode \(name).mrk.json: \(error)")
        }
    }
}
