/// Tissues by name: the reference table plus the anatomical aliases phantoms use, with
/// user overrides applied on top.
public struct TissueTable: Sendable {
    public private(set) var tissues: [String: Tissue]

    /// Phantom tissue names that take another tissue's properties, and why.
    public static let aliases: [String: (of: String, why: String)] = [
        "epidural_fat": ("fat", "epidural fat is adipose tissue"),
        "paraspinal_fat": ("fat", "subcutaneous and paraspinal fat"),
        "cauda_equina": ("nerve_root", "the cauda equina is a bundle of nerve roots"),
        "tumor_lytic": ("tumor_metastasis", "lytic metastasis: soft, well perfused tumour"),
        "pedicle": ("cortical_bone", "pedicles are mostly cortical bone at phantom resolution"),
        "posterior_elements": ("cortical_bone", "lamina and processes: cortical shell at phantom resolution"),
    ]

    /// The default table: every reference tissue, the aliases, and a blastic tumour.
    public static var standard: TissueTable {
        var t: [String: Tissue] = [:]
        for tissue in referenceTissues + benchTissues { t[tissue.name] = tissue }
        for (alias, target) in aliases {
            var copy = t[target.of]!
            copy.name = alias
            copy.source = "as \(target.of) (\(target.why)); " + copy.source
            t[alias] = copy
        }
        // Osteoblastic metastases are sclerotic, bone-forming lesions: assumed to conduct
        // heat and current like cortical bone, perfused like the tumour.
        var blastic = t["cortical_bone"]!
        blastic.name = "tumor_blastic"
        blastic.perfusionMlMinKg = t["tumor_metastasis"]!.perfusionMlMinKg
        blastic.status = "assumed"
        blastic.source = "assumed: sclerotic (blastic) metastasis with cortical-bone thermal and electrical values, tumour perfusion"
        t["tumor_blastic"] = blastic
        return TissueTable(tissues: t)
    }

    public init(tissues: [String: Tissue]) { self.tissues = tissues }

    public var names: [String] { tissues.keys.sorted() }

    /// The tissue called `name`, or an error listing the known names.
    public func tissue(named name: String, context: String = "tissue table") throws -> Tissue {
        guard let t = tissues[name] else {
            throw CoreError("\(context): unknown tissue '\(name)'; known tissues: \(names.joined(separator: ", "))")
        }
        return t
    }

    /// Replaces or adds a tissue after validating it.
    public mutating func set(_ tissue: Tissue, context: String = "tissue override") throws {
        try tissue.validate(context: context)
        tissues[tissue.name] = tissue
    }
}
