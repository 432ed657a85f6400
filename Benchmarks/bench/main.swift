// `bench`: throughput of the Pennes step, the dose pass and the full solver step against
// the machine's STREAM-triad bandwidth and a C reference kernel, all in one run.
//
//   swift run -c release bench [--quick] [--json FILE]
//
// Byte model per voxel update (compulsory traffic, no write-allocate, neighbour reads
// assumed served from cache; s = 4 bytes for float32, 8 for float64):
//   pennes-step: T read, Q read, T' written (3 s) + label read (1)        = 13 / 25 B
//   dose-pass:   T (s) + code (1) read, CEM43 and Omega read and written (32),
//                T_max and T_min read (2 s; written only where they change) = 45 / 57 B
//   full-step:   the sum                                                  = 58 / 82 B
import Foundation
import AblasimCore
import AblasimKernels
import AblasimPhysics
import CReference

struct Options {
    var quick = false
    var jsonPath: String?
    var sizes = [128, 256]

    init(_ args: [String]) throws {
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--quick": quick = true
            case "--json":
                guard let p = it.next() else { throw BenchError("--json needs a file path") }
                jsonPath = p
            case "--sizes":
                guard let s = it.next() else { throw BenchError("--sizes needs a list such as 128,256") }
                sizes = try s.split(separator: ",").map {
                    guard let v = Int($0), v >= 8, v <= 1024 else { throw BenchError("--sizes: '\($0)' is not a size in 8...1024") }
                    return v
                }
            case "-h", "--help":
                print("usage: bench [--quick] [--json FILE] [--sizes 128,256]")
                exit(0)
            default: throw BenchError("unknown argument '\(a)'; valid: --quick, --json FILE, --sizes LIST")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

struct Result {
    var name: String
    var grid: Int
    var threads: Int
    var precision: String
    var mlups: Double
    var gbs: Double
    var referenceMlups: Double?
    /// For 1-thread runs: MLUPS over the thread's CPU time (insensitive to other processes
    /// taking the core; not to their use of memory bandwidth and caches).
    var cpuMlups: Double? = nil
    var referenceCpuMlups: Double? = nil
    var ratio: Double? { referenceMlups.map { mlups / $0 } }
}

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// CPU time of the calling thread [s]: with one thread all work runs on it, so this is the
/// time the kernel had a core, whatever else the machine was doing.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + 1e-9 * Double(ts.tv_nsec)
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

/// Median wall seconds per call of `body` after `warmup` untimed calls; also records the
/// median calling-thread CPU seconds in `lastCPUSeconds`.
var lastCPUSeconds = 0.0
func medianTime(warmup: Int, reps: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try body() }
    var times: [Double] = [], cpu: [Double] = []
    for _ in 0..<reps {
        let c0 = threadCPUSeconds()
        let t0 = seconds()
        try body()
        times.append(seconds() - t0)
        cpu.append(threadCPUSeconds() - c0)
    }
    lastCPUSeconds = median(cpu)
    return median(times)
}

/// Runs the kernels in turn, `reps` rounds after `warmup` rounds; returns each kernel's
/// median wall and calling-thread CPU seconds.
func interleavedMedians(_ kernels: [() -> Void], warmup: Int, reps: Int) -> (wall: [Double], cpu: [Double]) {
    for _ in 0..<warmup { for k in kernels { k() } }
    var wall = [[Double]](repeating: [], count: kernels.count), cpu = wall
    for _ in 0..<reps {
        for (i, k) in kernels.enumerated() {
            let c0 = threadCPUSeconds(), t0 = seconds()
            k()
            wall[i].append(seconds() - t0)
            cpu[i].append(threadCPUSeconds() - c0)
        }
    }
    return (wall.map(median), cpu.map(median))
}

/// The 1-minute load average, to flag runs on a busy machine.
func loadAverage() -> Double {
    var l = [0.0, 0.0, 0.0]
    return getloadavg(&l, 3) > 0 ? l[0] : .nan
}

func fmt(_ v: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", v) }

/// Prints and flushes, so progress shows when the output goes to a file or pipe.
func say(_ s: String) {
    print(s)
    fflush(stdout)
}

let options: Options
do { options = try Options(Array(CommandLine.arguments.dropFirst())) } catch {
    FileHandle.standardError.write("bench: \(error)\n".data(using: .utf8)!)
    exit(2)
}
let allThreads = ProcessInfo.processInfo.activeProcessorCount
let threadCounts = allThreads > 1 ? [1, allThreads] : [1]
let warmup = options.quick ? 1 : 3
func repsFor(_ n: Int) -> Int { options.quick ? 5 : (n <= 128 ? 31 : 11) }

let loadAtStart = loadAverage()
say("ablasim bench: \(allThreads) cores, load average \(fmt(loadAtStart, 2)), C reference \(cref_uses_avx2() == 1 ? "AVX2 gathers" : "portable scalar")\(options.quick ? ", quick" : "")")

// STREAM triad: 3 arrays of 2^23 doubles (192 MiB total, well above the last-level cache).
var streamGBs: [Int: Double] = [:]
for th in threadCounts {
    streamGBs[th] = cref_stream_triad(options.quick ? 1 << 22 : 1 << 23, Int32(th), options.quick ? 5 : 15)
    say("STREAM triad, \(th) thread(s): \(fmt(streamGBs[th]!)) GB/s")
}

/// C reference variants (see cref.h); the fastest one in this run is the reference.
let referenceVariants = [0, 1, 2, 3]
let bytesPennes: [String: Double] = ["float32": 13, "float64": 25]
let bytesDose: [String: Double] = ["float32": 45, "float64": 57]
var results: [Result] = []

func report(_ r: Result) {
    let frac = r.gbs / (streamGBs[r.threads] ?? .nan)
    var line = "  \(r.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.precision) \(r.threads)T: "
        + "\(fmt(r.mlups)) MLUPS, \(fmt(r.gbs, 2)) GB/s (\(fmt(100 * frac, 0)) % of STREAM)"
    if let ref = r.referenceMlups, let ratio = r.ratio { line += "; C \(fmt(ref)) MLUPS, Swift/C \(fmt(ratio, 3))" }
    if let c = r.cpuMlups {
        line += " [per CPU-second: \(fmt(c))"
        if let rc = r.referenceCpuMlups { line += ", C \(fmt(rc)), Swift/C \(fmt(c / rc, 3))" }
        line += "]"
    }
    say(line)
    results.append(r)
}

/// Runs every measurement for one grid size and precision.
func benchmark<S: BenchScalar>(_: S.Type, phantom: BenchPhantom) throws {
    let n = phantom.grid.nx
    let voxels = Double(phantom.grid.voxelCount)
    let p = S.precisionName
    for th in threadCounts {
        let solver = try PennesSolver<S>(grid: phantom.grid, materials: phantom.materials, codes: phantom.codes,
                                         executor: SlabExecutor(threads: th))
        // A heated zone around the tumour plus a small ripple, so every difference is live,
        // and a Gaussian power deposition at the tumour centre.
        let t = solver.temperature, q = solver.source
        let inv = 1.0 / Double(n)
        DispatchQueue.concurrentPerform(iterations: n) { k in
            for j in 0..<n { for i in 0..<n {
                let d = SIMD3((Double(i) + 0.5) * inv - 0.55, (Double(j) + 0.5) * inv - 0.42, (Double(k) + 0.5) * inv - 0.5)
                let r2 = (d * d).sum()
                t[i, j, k] = S(37 + 45 * exp(-r2 / 0.01) + 0.2 * sin(Double(i * 7 + j * 3 + k)))
                q[i, j, k] = S(2e6 * exp(-r2 / 0.002))
            } }
        }
        // Same data through Swift and C: one step each from the same state.
        let start = t.copy()
        let cOut = t.copy()
        let tables = solver.kernelTables
        solver.advanceTemperature()
        let swiftOut = solver.temperature
        var diffs: [String] = []
        for v in referenceVariants {
            S.referenceStep(t: start, tNew: cOut, codes: solver.codes, source: q, tables: tables, threads: th, variant: v)
            // Every element of the padded storage: the interior must agree and neither
            // kernel may write outside it (the halos started equal).
            var maxDiff = 0.0
            for e in 0..<swiftOut.count { maxDiff = max(maxDiff, abs(Double(swiftOut.base[e]) - Double(cOut.base[e]))) }
            diffs.append("\(maxDiff)")
        }
        say("\(n)^3 \(p) \(th)T: max |T_swift - T_C| over the padded field after one step, C variants \(referenceVariants): \(diffs.joined(separator: ", ")) C")

        // Swift and every C variant take turns step by step, so a busy machine slows them
        // alike; medians per kernel.
        let reps = repsFor(n)
        var src = start, dst = cOut
        let kernels: [() -> Void] = [{ solver.advanceTemperature() }] + referenceVariants.map { v in
            {
                S.referenceStep(t: src, tNew: dst, codes: solver.codes, source: q, tables: tables, threads: th, variant: v)
                swap(&src, &dst)
            }
        }
        let (wall, cpu) = interleavedMedians(kernels, warmup: warmup, reps: reps)
        let tSwift = wall[0], cpuSwift = cpu[0]
        let cMlups = wall.dropFirst().map { voxels / $0 / 1e6 }
        let cCpuMlups = cpu.dropFirst().map { voxels / $0 / 1e6 }
        let mSwift = voxels / tSwift / 1e6, mC = cMlups.max()!
        let best = referenceVariants[cMlups.firstIndex(of: mC)!]
        report(Result(name: "pennes-step", grid: n, threads: th, precision: p, mlups: mSwift,
                      gbs: mSwift * bytesPennes[p]! / 1e3, referenceMlups: mC,
                      cpuMlups: th == 1 ? voxels / cpuSwift / 1e6 : nil,
                      referenceCpuMlups: th == 1 ? cCpuMlups.max() : nil))
        say("    C variants (0 gathers, 1 broadcast+gathers, 2 broadcast+scalar loads, 3 per-face broadcast+scalar loads): "
            + zip(referenceVariants, cMlups).map { "\($0.0): \(fmt($0.1))" }.joined(separator: ", ")
            + " MLUPS; reference = fastest = variant \(best)")
        let tDose = try medianTime(warmup: warmup, reps: reps) { try solver.accumulateDose() }
        let mDose = voxels / tDose / 1e6
        report(Result(name: "dose-pass", grid: n, threads: th, precision: p, mlups: mDose,
                      gbs: mDose * bytesDose[p]! / 1e3, referenceMlups: nil,
                      cpuMlups: th == 1 ? voxels / lastCPUSeconds / 1e6 : nil))
        let tStep = try medianTime(warmup: warmup, reps: reps) { try solver.step() }
        let mStep = voxels / tStep / 1e6
        report(Result(name: "full-step", grid: n, threads: th, precision: p, mlups: mStep,
                      gbs: mStep * (bytesPennes[p]! + bytesDose[p]!) / 1e3, referenceMlups: nil,
                      cpuMlups: th == 1 ? voxels / lastCPUSeconds / 1e6 : nil))
        say("    cost split of a full step (separate medians): Pennes \(fmt(100 * tSwift / tStep, 0)) %, dose \(fmt(100 * tDose / tStep, 0)) %")
    }
}

do {
    for n in options.sizes {
        let phantom = try BenchPhantom(n: n)
        say("\n\(n)^3 phantom: \(phantom.distinctMaterials()) tissues, \(fmt(100 * phantom.uniformBlockFraction(), 1)) % of 8-voxel blocks uniform with their neighbours")
        try benchmark(Float.self, phantom: phantom)
        try benchmark(Double.self, phantom: phantom)
    }
} catch {
    FileHandle.standardError.write("bench: \(error)\n".data(using: .utf8)!)
    exit(3)
}

let loadAtEnd = loadAverage()
say("\nload average at start \(fmt(loadAtStart, 2)), at end \(fmt(loadAtEnd, 2))"
    + (max(loadAtStart, loadAtEnd) > Double(allThreads) ? ": other processes competed for the cores; wall-clock figures are pessimistic" : ""))

if let path = options.jsonPath {
    func num(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "null" }
        return String(format: "%.6g", v)
    }
    var items: [String] = []
    for r in results {
        items.append("{\"name\":\"\(r.name)\",\"grid\":[\(r.grid),\(r.grid),\(r.grid)],\"threads\":\(r.threads),"
            + "\"precision\":\"\(r.precision)\",\"mlups\":\(num(r.mlups)),\"gbs\":\(num(r.gbs)),"
            + "\"stream_fraction\":\(num(r.gbs / (streamGBs[r.threads] ?? .nan))),"
            + "\"reference_mlups\":\(num(r.referenceMlups)),\"ratio\":\(num(r.ratio)),"
            + "\"cpu_mlups\":\(num(r.cpuMlups)),\"reference_cpu_mlups\":\(num(r.referenceCpuMlups))}")
    }
    let streamAll = streamGBs[threadCounts.last!]
    let json = "{\"schema\":\"ablasim.bench/1\",\"stream_triad_gbs\":\(num(streamAll)),"
        + "\"stream_triad_gbs_1thread\":\(num(streamGBs[1])),"
        + "\"load_average\":[\(num(loadAtStart)),\(num(loadAtEnd))],\"results\":[\n"
        + items.joined(separator: ",\n") + "\n]}\n"
    do {
        try json.data(using: .utf8)!.write(to: URL(fileURLWithPath: path), options: .atomic)
        say("\nwrote \(path)")
    } catch {
        FileHandle.standardError.write("bench: cannot write \(path): \(error)\n".data(using: .utf8)!)
        exit(3)
    }
}
