import Foundation
import AblasimPhantom
import AblasimSimulation

/// Names and colours of a label map's values, written as the colour files 3D Slicer and
/// ITK-SNAP read, so `labels.nii.gz` and `zones.nii.gz` open with their names: a Slicer
/// colour table (`.ctbl`: `value name R G B A` per line, 0-255) and an ITK-SNAP label
/// description file (`IDX R G B A VIS MSH "LABEL"`, A in 0..1).
public struct LabelTable: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var value: UInt8
        public var name: String
        public var rgb: SIMD3<UInt8>
        /// 0 = transparent (background, untreated), 255 = opaque.
        public var alpha: UInt8
    }
    public var title: String
    public var entries: [Entry]

    /// Tissue labels with the colours of the phantom renderer (`Phantom.tissueColors`);
    /// value 0 (outside any tissue) is the transparent background.
    public static func tissues(_ legend: [UInt8: String]) -> LabelTable {
        var entries = legend[0] == nil ? [Entry(value: 0, name: "background", rgb: .zero, alpha: 0)] : []
        for (v, name) in legend.sorted(by: { $0.key < $1.key }) {
            let c = Phantom.tissueColors[name] ?? (128, 128, 128)
            entries.append(Entry(value: v, name: name, rgb: SIMD3(c.0, c.1, c.2), alpha: v == 0 ? 0 : 255))
        }
        return LabelTable(title: "ablasim tissue labels", entries: entries)
    }

    /// Zone labels (`AblationZone.Label`) in the report's colours: ablated green as the
    /// ablation outline, lethal ice dark blue, ice light blue, above 42 C the 42 C isotherm's
    /// yellow; untreated transparent.
    public static func zones(_ legend: [UInt8: String]) -> LabelTable {
        let colours: [UInt8: SIMD3<UInt8>] = [
            AblationZone.Label.ablated: SIMD3(0, 224, 0), AblationZone.Label.lethalIce: SIMD3(20, 60, 200),
            AblationZone.Label.ice: SIMD3(120, 200, 255), AblationZone.Label.heated42: SIMD3(255, 212, 0),
        ]
        let entries = legend.sorted(by: { $0.key < $1.key }).map { v, name in
            Entry(value: v, name: name, rgb: colours[v] ?? SIMD3(128, 128, 128), alpha: v == AblationZone.Label.none ? 0 : 255)
        }
        return LabelTable(title: "ablasim zones", entries: entries)
    }

    /// The probe mask's values: probe n (summary order) is n + 1, each a distinct hue (the
    /// qualitative Tableau 10 colours; the hue carries no meaning beyond telling probes
    /// apart); 0, no probe, is transparent.
    public static func probes(_ names: [String]) -> LabelTable {
        let palette: [SIMD3<UInt8>] = [SIMD3(31, 119, 180), SIMD3(214, 39, 40), SIMD3(44, 160, 44), SIMD3(148, 103, 189),
                                       SIMD3(255, 127, 14), SIMD3(23, 190, 207), SIMD3(140, 86, 75), SIMD3(227, 119, 194)]
        var entries = [Entry(value: 0, name: "no_probe", rgb: .zero, alpha: 0)]
        for (n, name) in names.prefix(255).enumerated() {
            entries.append(Entry(value: UInt8(n + 1), name: name, rgb: palette[n % palette.count], alpha: 255))
        }
        return LabelTable(title: "ablasim probes", entries: entries)
    }

    /// Label names as one token (Slicer's table splits on blanks).
    static func token(_ name: String) -> String {
        String(name.map { $0.isWhitespace || $0 == "\"" ? "_" : $0 })
    }

    /// 3D Slicer colour table (`.ctbl`).
    public var slicerColorTable: String {
        var out = "# Color table file \(title)\n# \(entries.count) values\n"
        for e in entries { out += "\(e.value) \(LabelTable.token(e.name)) \(e.rgb.x) \(e.rgb.y) \(e.rgb.z) \(e.alpha)\n" }
        return out
    }

    /// ITK-SNAP label description file.
    public var itkSnapLabels: String {
        var out = "# ITK-SNAP Label Description File: \(title)\n# IDX -R- -G- -B- -A-- VIS MSH LABEL\n"
        for e in entries {
            let visible = e.alpha > 0 ? 1 : 0
            out += String(format: "%5d %4d %4d %4d %4.2f %2d %2d \"%@\"\n", Int(e.value), Int(e.rgb.x), Int(e.rgb.y), Int(e.rgb.z),
                          Double(e.alpha) / 255, visible, visible, LabelTable.token(e.name) as NSString)
        }
        return out
    }
}
