// swift-tools-version:6.0
import PackageDescription

// Hot-loop modules are compiled with bounds checks off in release builds; their scalar
// references and tests (debug builds) keep every check on. Release builds also target the
// build machine's CPU (AVX2 on x86-64), like the C reference; Swift never contracts a*b+c
// into FMA, so results stay bitwise equal to the portable debug build.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo", "-Xcc", "-march=native"], .when(configuration: .release))]

let package = Package(
    name: "ablasim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ablasim", targets: ["ablasim"]),
        .executable(name: "bench", targets: ["bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(name: "CLapack", path: "Sources/CLapack"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The C reference kernel the benchmark compares the Swift stencil against.
        .target(name: "CReference", path: "Sources/CReference",
                cSettings: [.unsafeFlags(["-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off"])]),
        .target(name: "AblasimKernels", swiftSettings: fast),
        .target(name: "AblasimCore", dependencies: ["AblasimKernels"], swiftSettings: fast),
        .target(name: "AblasimPhysics", dependencies: ["AblasimCore", "AblasimKernels", "CLapack", "AnalyticSolutions"], swiftSettings: fast),
        .target(name: "AblasimPhantom", dependencies: ["AblasimCore", "CZlib"]),
        .target(name: "AnalyticSolutions"),
        .target(name: "AblasimSimulation", dependencies: ["AblasimPhysics", "AblasimPhantom", "Yams"], swiftSettings: fast),
        .target(name: "AblasimOutput", dependencies: ["AblasimSimulation", "AblasimPhantom", "CZlib"]),
        .target(name: "AblasimSweep", dependencies: ["AblasimSimulation", "AblasimOutput", "Yams"]),
        // The experiment suite: published bench experiments run and compared with their bands.
        .target(name: "AblasimExperiments", dependencies: ["AblasimSimulation", "AblasimPhantom", "AblasimPhysics", "AblasimCore", "Yams"]),
        .executableTarget(name: "ablasim", dependencies: [
            "AblasimSimulation", "AblasimOutput", "AblasimSweep", "AblasimPhantom", "AnalyticSolutions", "AblasimPhysics", "AblasimExperiments",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rfbench", dependencies: ["AblasimPhysics"], path: "Benchmarks/rfbench", swiftSettings: fast),
        .executableTarget(name: "bench", dependencies: ["AblasimPhysics", "CReference", "AnalyticSolutions"],
                          path: "Benchmarks/bench", swiftSettings: fast),
        .testTarget(name: "AblasimKernelsTests", dependencies: ["AblasimKernels"]),
        .testTarget(name: "AblasimCoreTests", dependencies: ["AblasimCore"]),
        .testTarget(name: "AblasimPhysicsTests", dependencies: ["AblasimPhysics", "AblasimCore", "CLapack"]),
        .testTarget(name: "AblasimSimulationTests", dependencies: ["AblasimSimulation", "AblasimPhysics", "AblasimCore", "AblasimKernels", "AblasimPhantom"]),
        .testTarget(name: "ValidationTests", dependencies: ["AblasimPhysics", "AnalyticSolutions", "AblasimCore"]),
        .testTarget(name: "AblasimPhantomTests", dependencies: ["AblasimPhantom", "AblasimCore"]),
        .testTarget(name: "CLITests", dependencies: ["ablasim"]),
        .testTarget(name: "AblasimOutputTests", dependencies: ["AblasimOutput", "AblasimSimulation", "AblasimPhysics", "AblasimCore"]),
        .testTarget(name: "AblasimSweepTests", dependencies: ["AblasimSweep", "AblasimSimulation"]),
        .testTarget(name: "AblasimExperimentsTests", dependencies: ["AblasimExperiments", "AblasimSimulation", "AblasimPhysics", "AblasimCore", "AblasimPhantom"]),
    ],
    swiftLanguageModes: [.v5]
)
