import AblasimPhysics

/// Advances an RF-heated solver by `steps` steps, as the simulation loop does: clear the
/// source field, let the RF source fill it, take a thermal step.
func advance(_ solver: PennesSolver<Float>, _ rf: RFSource, steps: Int) throws {
    for _ in 0..<steps {
        solver.source.fill(0)
        try rf.update(solver: solver, time: solver.time)
        try solver.step()
    }
}
