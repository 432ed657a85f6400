import AblasimPhantom

extension Thermocouple {
    /// The structure a phantom site protects, from its name: `cord_*` cord, `root_*` root,
    /// anything else (e.g. `posterior_wall`) other.
    public static func structure(ofSite name: String) -> NeuralStructure {
        if name.hasPrefix("cord") { return .cord }
        if name.hasPrefix("root") { return .root }
        return .other
    }

    /// The run's thermocouples: the phantom's sites (sorted by name, structure from the
    /// name) followed by the user's; a user thermocouple with a site's name moves that site.
    public static func sites(_ landmarks: Landmarks, plus user: [Scenario.ThermocoupleSpec]) throws -> [Thermocouple] {
        let custom = try user.map(Thermocouple.init(spec:))
        var out: [Thermocouple] = []
        for name in landmarks.sites.keys.sorted() {
            if let u = custom.first(where: { $0.name == name }) { out.append(u); continue }
            out.append(Thermocouple(name: name, structure: structure(ofSite: name), position: landmarks.sites[name]!))
        }
        for u in custom where landmarks.sites[u.name] == nil { out.append(u) }
        return out
    }
}
