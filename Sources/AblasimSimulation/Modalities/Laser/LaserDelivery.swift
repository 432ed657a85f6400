import Foundation
import AblasimPhysics

extension Scenario.Laser {
    /// The physics settings of this fibre and protocol.
    public var settings: LaserSettings {
        LaserSettings(power: powerW, wavelength: wavelengthNm, energyLimit: energyJ,
                      diffusingLength: fibre == .diffuser ? diffuserLengthMM / 1000 : 0,
                      charring: charring, precharred: fibre == .precharred, vaporization: vaporization)
    }
}

extension Scenario {
    /// Power, energy and duration of a laser run must agree: a run whose duration cannot
    /// deliver `laser.energy_j` at `laser.power_w` is an input error, never a silent
    /// shortfall. (A duration longer than the delivery is fine: the laser stops at the
    /// energy limit, which the run reports as an event, and the tissue cools.)
    public func checkLaserDelivery() throws {
        guard modality == .laser, let energy = laser.energyJ else { return }
        let deliverable = laser.powerW * durationS
        // A relative tolerance for the decimal text of the three values.
        guard deliverable >= energy * (1 - 1e-9) else {
            throw SimulationError.invalidInput(String(
                format: "laser.energy_j = %g J cannot be delivered: laser.power_w = %g W for duration_s = %g s delivers at most %g J. Valid: duration_s >= %g s, laser.energy_j <= %g J, or laser.energy_j: none (emit for the whole duration)",
                energy, laser.powerW, durationS, deliverable, energy / laser.powerW, deliverable))
        }
    }
}
