import Foundation

extension Scenario {
    /// An applicator trajectory the user gives explicitly: a name, a point on the way in
    /// (`entry`) and the tip, world RAS [mm]. The shaft runs from the tip back through the
    /// entry to the edge of the phantom, exactly as along a pedicle axis (the real shaft
    /// continues to the skin).
    ///
    /// Text form (the `trajectories` key, `;` between applicators):
    /// `NAME@ex,ey,ez->tx,ty,tz`, e.g. `left@-30,-45,0->-6,-2,0`. In a YAML scenario:
    /// ```
    /// trajectories:
    ///   - {name: left, entry_mm: [-30, -45, 0], tip_mm: [-6, -2, 0]}
    /// ```
    /// Trajectories replace the pedicle placement: RF puts one probe (one channel) on each,
    /// a microwave antenna or a laser fibre takes exactly one, cryoablation one cryoprobe each.
    public struct Trajectory: Equatable, Sendable {
        public var name: String
        /// A point of the shaft on the way in [mm].
        public var entryMM: SIMD3<Double>
        /// The tip [mm].
        public var tipMM: SIMD3<Double>

        public init(name: String, entryMM: SIMD3<Double>, tipMM: SIMD3<Double>) {
            self.name = name; self.entryMM = entryMM; self.tipMM = tipMM
        }

        /// Shortest entry-to-tip distance accepted [mm]: the direction of a shorter segment
        /// is not defined to better than a voxel at the usual 0.5 mm spacing.
        public static let minimumLengthMM = 1.0

        /// The text form `parse` reads back.
        public var text: String {
            "\(name)@\(entryMM.x),\(entryMM.y),\(entryMM.z)->\(tipMM.x),\(tipMM.y),\(tipMM.z)"
        }

        /// Parses `NAME@ex,ey,ez->tx,ty,tz` (mm).
        public static func parse(_ text: String, context: String) throws -> Trajectory {
            let t = text.trimmingCharacters(in: .whitespaces)
            let bad = SimulationError.invalidInput("\(context): trajectory '\(t)' is not valid; expected NAME@ex,ey,ez->tx,ty,tz (entry then tip, world RAS in mm), e.g. left@-30,-45,0->-6,-2,0")
            guard let at = t.firstIndex(of: "@") else { throw bad }
            let name = String(t[..<at])
            let points = t[t.index(after: at)...].components(separatedBy: "->")
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), points.count == 2 else { throw bad }
            func xyz(_ s: String) -> SIMD3<Double>? {
                let v = s.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard v.count == 3, let x = v[0], let y = v[1], let z = v[2], x.isFinite, y.isFinite, z.isFinite else { return nil }
                return SIMD3(x, y, z)
            }
            guard let entry = xyz(points[0]), let tip = xyz(points[1]) else { throw bad }
            let d = tip - entry
            let length = (d * d).sum().squareRoot()
            guard length >= minimumLengthMM else {
                throw SimulationError.invalidInput("\(context): trajectory '\(name)': entry and tip are \(length) mm apart; they must be at least \(minimumLengthMM) mm apart to define the direction of the shaft")
            }
            return Trajectory(name: name, entryMM: entry, tipMM: tip)
        }
    }
}
