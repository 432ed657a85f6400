// rfbench electrode: grid convergence of an uncooled monopolar lesion (docs/rf-electrodes.md).
//
//   swift run -c release rfbench electrode [--grids 1,0.5,0.25] [--gauges 16,22] [--tip 10]
//        [--time 180] [--target 90] [--tissue muscle] [--model near-field|voxel|both] [--threads 2]
//
// One probe along z in an unperfused block (36 x 36 x 40 mm) of a reference tissue,
// temperature-controlled at its tip thermocouple; prints, per gauge, model and grid, the
// lesion width at mid-tip (T_max >= 50 C), the thermocouple 5 mm from the axis at mid-tip,
// energy, impedance and wall time, then the observed order of convergence.
import Foundation
import AblasimCore
import AblasimPhysics

func electrodeStudy(_ argv: [String]) throws {
    func value(_ key: String) -> String? { argv.firstIndex(of: key).flatMap { argv.indices.contains($0 + 1) ? argv[$0 + 1] : nil } }
    func list(_ key: String, _ d: [Double]) throws -> [Double] {
        guard let v = value(key) else { return d }
        let xs = v.split(separator: ",").compactMap { Double($0) }
        guard !xs.isEmpty, xs.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            FileHandle.standardError.write("rfbench electrode: \(key) '\(v)' is not a comma-separated list of positive numbers\n".data(using: .utf8)!)
            exit(2)
        }
        return xs
    }
    let grids = try list("--grids", [1, 0.5, 0.25])
    let gauges = try list("--gauges", [16, 22]).map { Int($0) }
    let tip = Int(value("--tip") ?? "10") ?? 10
    let time = Double(value("--time") ?? "180") ?? 180
    let target = Double(value("--target") ?? "90") ?? 90
    let threads = Int(value("--threads") ?? "2") ?? 2
    let models: [ElectrodeModel]
    switch value("--model") ?? "both" {
    case "near-field": models = [.nearField]
    case "voxel": models = [.voxel]
    case "both": models = [.nearField, .voxel]
    case let m:
        FileHandle.standardError.write("rfbench electrode: --model '\(m)' is not valid; use near-field, voxel or both\n".data(using: .utf8)!)
        exit(2)
    }
    let tissue = try TissueTable.standard.tissue(named: value("--tissue") ?? "muscle")
    print("monopolar \(tip) mm tip, \(target) C at the tip thermocouple for \(time) s, unperfused \(tissue.name) block 36 x 36 x 40 mm")
    print("| gauge | model | h [mm] | voxels | width 50 C [mm] | TC 5 mm end / max [C] | energy [J] | P end [W] | Z start / end [ohm] | events | re-solves | wall [s] |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for g in gauges {
        for m in models {
            var widths: [Double] = [], tcs: [Double] = []
            for h in grids {
                var b = RFBlockBench(tissue: tissue)
                b.spacing = h * 1e-3; b.preset = "monopolar-\(g)g-\(tip)mm"; b.duration = time; b.target = target
                b.electrodeModel = m; b.threads = threads
                let r = try b.run()
                widths.append(r.width); tcs.append(r.thermocouple)
                print(String(format: "| %d G | %@ | %.3g | %d | %.2f | %.2f / %.2f | %.0f | %.2f | %.0f / %.0f | %d | %d | %.0f |",
                             g, m.rawValue, h, r.voxels, r.width * 1000, r.thermocouple, r.thermocoupleMax, r.energy, r.finalPower,
                             r.initialImpedance, r.finalImpedance, r.events.count, r.potentialSolves, r.wallSeconds))
                fflush(stdout)
            }
            if grids.count >= 3 {
                let n = grids.count
                for (name, v) in [("width", widths), ("thermocouple", tcs)] {
                    let d1 = v[n - 2] - v[n - 3], d2 = v[n - 1] - v[n - 2]
                    let ratio = grids[n - 3] / grids[n - 2]
                    let order = abs(d2) > 0 && abs(d1) > 0 ? log(abs(d1 / d2)) / log(ratio) : .nan
                    let scale = name == "width" ? 1000.0 : 1
                    print(String(format: "  %d G %@ %@: differences %.3f, %.3f; observed order %.2f; Richardson extrapolate %.3f",
                                 g, m.rawValue, name, d1 * scale, d2 * scale, order, (v[n - 1] + (v[n - 1] - v[n - 2]) / (pow(ratio, order.isFinite ? order : 1) - 1)) * scale))
                }
            }
        }
    }
}
