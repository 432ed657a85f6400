import Foundation

extension Sweep {
    /// The sweep with `--set KEY=VALUE` settings applied on top of its base scenario (a tiny
    /// case of a big study: `--set duration_s=10 --set phantom=tiny.vox`), each checked as
    /// the sweep file's own keys are. The result is another sweep: its identity differs, so
    /// it never mixes its cases into the folder of the unchanged sweep. A key the axes vary
    /// is refused (the axis value would win for every case).
    /// - Parameter directory: anchors a relative `phantom=` path (the working directory).
    public func overriding(_ settings: [String], directory: String = FileManager.default.currentDirectoryPath) throws -> Sweep {
        guard !settings.isEmpty else { return self }
        var base = self.base, phantom = self.phantom
        for setting in settings {
            guard let eq = setting.firstIndex(of: "="), eq != setting.startIndex else {
                throw SweepError.invalidInput("--set '\(setting)': expected KEY=VALUE, e.g. --set duration_s=30 (keys: `ablasim parameters`)")
            }
            let key = String(setting[..<eq]).trimmingCharacters(in: .whitespaces)
            let value = String(setting[setting.index(after: eq)...])
            guard !parameterNames.contains(key) else {
                throw SweepError.invalidInput("--set \(key): the sweep's axes vary '\(key)', so a fixed value would be overridden in every case; change the axis in \(file) instead")
            }
            if key == "phantom" {
                phantom = Sweep.resolve(value, against: directory)
            } else if let i = base.firstIndex(where: { $0.key == key }) {
                base[i] = ParameterValue(key, value)
            } else {
                base.append(ParameterValue(key, value))
            }
        }
        let sweep = try Sweep(name: name, file: file, fileSHA256: fileSHA256, phantom: phantom, base: base, axes: axes, maxCases: maxCases)
        try sweep.validate()
        return sweep
    }
}
