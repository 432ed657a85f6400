import ArgumentParser

/// Exit codes of DESIGN.md section 5: 0 ok, 1 `--fail-on-flag` tripped, 2 bad input,
/// 3 runtime failure (NaN, solver divergence).
enum ExitStatus {
    static let flagged = ExitCode(1)
    static let badInput = ExitCode(2)
    static let runtimeFailure = ExitCode(3)
}
