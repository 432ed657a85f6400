// rfbench: wall time of the RF potential solves inside a bipedicular run.
//
//   swift run -c release rfbench [seconds] [threads] [--full-grid]
//
// A synthetic lumbar block at 0.5 mm (~3 million voxels): a vertebral body of cancellous
// bone in a cortical shell inside muscle, two cooled bipolar probes (15 mm active length)
// entering through the pedicle region at 20 degrees from the sagittal plane, both
// temperature-controlled to 70 C (40 W ceiling), simultaneous. Prints the split between
// thermal steps and potential solves.
import Foundation
import AblasimCore
import AblasimPhysics

let args = CommandLine.arguments.dropFirst()
if args.first == "electrode" {
    try electrodeStudy(Array(args.dropFirst()))
    exit(0)
}
let simulated = args.first.flatMap(Double.init) ?? 180
let threads = args.dropFirst().first.flatMap(Int.init) ?? 2
let fullGrid = args.contains("--full-grid")
let mm = 1e-3
let h = 0.5 * mm
let (nx, ny, nz) = (160, 150, 125)
let grid = try Grid3D(nx: nx, ny: ny, nz: nz, isotropic: h)
let table = TissueTable.standard
var labels = [UInt8](repeating: 0, count: grid.voxelCount)
// Vertebral body: ellipse 40 x 30 mm (x, y) centred at (40, 45) mm, full height.
for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
    let x = (Double(i) * h / mm - 40) / 20, y = (Double(j) * h / mm - 45) / 15
    let r = (x * x + y * y).squareRoot()
    labels[(k * ny + j) * nx + i] = r < 0.92 ? 2 : r < 1 ? 1 : 0
} } }
var model = try ThermalModel(grid: grid, labels: labels, legend: [0: "muscle", 1: "cortical_bone", 2: "cancellous_bone"], table: table)
let angle = 20.0 * Double.pi / 180
func probe(_ side: Double, _ name: String) throws -> Probe {
    let tip = SIMD3(40 + side * 6, 45, 31) * mm
    let dir = SIMD3(side * sin(angle), cos(angle), 0)
    return try ProbePreset.probe("cooled-bipolar-15", name: name, entry: tip + dir * 0.06, tip: tip)
}
var options = RFOptions()
if fullGrid { options.domain = .fullGrid }
let executor = SlabExecutor(threads: threads)
let gen = RFGenerator(mode: .temperatureControlled(target: 70, maxPower: 40))
let t0 = Date()
let rf = try RFAblation.install(probes: [try probe(-1, "left"), try probe(1, "right")], generators: [gen, gen],
                                into: &model, options: options, executor: executor)
let solver = try model.makeSolver(executor: executor)
let setup = Date().timeIntervalSince(t0)
print(String(format: "grid %dx%dx%d (%.2f M voxels), dt %.3f s, potential box %@, %d threads", nx, ny, nz,
             Double(grid.voxelCount) / 1e6, solver.dt, "\(rf.boxSize)", threads))
/// Process CPU time [s] (user + system), to separate our work from other load.
func cpu() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6
}
var thermal = 0.0, sources = 0.0, thermalCPU = 0.0, sourcesCPU = 0.0
let start = Date()
var next = 0.0
while solver.time < simulated {
    let a = Date(), ca = cpu()
    solver.source.fill(0)
    try rf.update(solver: solver, time: solver.time)
    let b = Date(), cb = cpu()
    try solver.step()
    let c = Date(), cc = cpu()
    sources += b.timeIntervalSince(a); thermal += c.timeIntervalSince(b)
    sourcesCPU += cb - ca; thermalCPU += cc - cb
    if solver.time >= next {
        let s = rf.channelSamples()
        print(String(format: "t %5.0f s  P %5.1f / %5.1f W  Z %5.0f / %5.0f ohm  tip %5.1f / %5.1f C  solves %d", solver.time,
                     s[0].power, s[1].power, s[0].impedance ?? .nan, s[1].impedance ?? .nan,
                     s[0].probeTemperature ?? .nan, s[1].probeTemperature ?? .nan, rf.potentialSolves))
        next += 30
    }
}
let wall = Date().timeIntervalSince(start)
print(String(format: "setup %.2f s; %d steps in %.2f s: thermal steps %.2f s, RF update %.2f s of which potential solves %.2f s (%d re-solves, %d PCG iterations); events %d",
             setup, solver.stepCount, wall, thermal, sources, rf.solveSeconds, rf.potentialSolves, rf.solveIterations, rf.events.count))
print(String(format: "CPU time: thermal steps %.2f s, RF updates %.2f s of which potential solves %.2f s (heated box %@)",
             thermalCPU, sourcesCPU, rf.solveCPUSeconds, "\(rf.heatSize)"))
print(String(format: "energy %.0f J / %.0f J, G = %@", rf.channelSamples()[0].energy, rf.channelSamples()[1].energy, "\(rf.conductance)"))
