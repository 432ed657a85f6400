/// User overrides of tissue properties (`tissue.<name>.<property>` scenario keys).
extension TissueTable {
    /// The override name that reaches every tissue (`tissue.*.perfusion_ml_min_kg=0` for
    /// an ex vivo run).
    public static let everyTissue = "*"

    /// The tissues an override named `name` changes: the tissue itself and every phantom
    /// alias that takes its properties (an override of `tumor_metastasis` reaches
    /// `tumor_lytic`), or all tissues for `*`. Empty for an unknown name.
    public func reached(by name: String) -> [String] {
        if name == TissueTable.everyTissue { return names }
        guard tissues[name] != nil else { return [] }
        return [name] + TissueTable.aliases.filter { $0.value.of == name }.map(\.key).sorted()
    }

    /// This table with `overrides` (name -> property key -> value in the property's unit)
    /// applied, the most specific first for each tissue: its own name, then the tissue its
    /// alias copies, then `*`. Names and keys are checked against the table and
    /// `TissueProperty.all`, values against the property's range.
    public func applying(_ overrides: [String: [String: Double]], context: String = "tissue override") throws -> TissueTable {
        for (name, props) in overrides.sorted(by: { $0.key < $1.key }) {
            guard name == TissueTable.everyTissue || tissues[name] != nil else {
                throw CoreError("\(context): unknown tissue '\(name)' in tissue.\(name).*; known tissues: \(names.joined(separator: ", ")), or * for all")
            }
            for (key, value) in props.sorted(by: { $0.key < $1.key }) {
                guard let p = TissueProperty.named(key) else {
                    throw CoreError("\(context): unknown tissue property '\(key)' in tissue.\(name).\(key); valid: \(TissueProperty.all.map(\.key).joined(separator: ", "))")
                }
                guard value.isFinite, p.range.contains(value) else {
                    throw CoreError("\(context): tissue.\(name).\(key) = \(value) is outside the physical range [\(p.range.lowerBound), \(p.range.upperBound)] \(p.unit)")
                }
            }
        }
        var out = self
        for name in names {
            var t = tissues[name]!
            let base = TissueTable.aliases[name]?.of
            for p in TissueProperty.all {
                let value = overrides[name]?[p.key] ?? base.flatMap { overrides[$0]?[p.key] } ?? overrides[TissueTable.everyTissue]?[p.key]
                if let value { t[keyPath: p.field] = value }
            }
            if t != tissues[name]! { try out.set(t, context: "\(context) for \(name)") }
        }
        return out
    }
}
