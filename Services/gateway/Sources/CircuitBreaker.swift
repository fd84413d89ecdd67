import Foundation
import Synchronization

/// Stops sending traffic to an upstream that keeps failing: after `threshold` consecutive
/// failures the circuit opens and calls fail fast for `cooldown`; then one trial call is
/// let through (half-open) and its outcome closes or re-opens the circuit.
final class CircuitBreaker: Sendable {
    private struct State {
        var failures = 0
        var openUntil: ContinuousClock.Instant?
        var trialInFlight = false
    }

    let threshold: Int
    let cooldown: Duration
    private let state = Mutex(State())

    init(threshold: Int, cooldown: Duration) {
        self.threshold = threshold
        self.cooldown = cooldown
    }

    /// Whether a call may go out now.
    func allow(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            guard let openUntil = state.openUntil else { return true }
            if now < openUntil || state.trialInFlight { return false }
            state.trialInFlight = true
            return true
        }
    }

    func recordSuccess() {
        state.withLock { $0 = State() }
    }

    func recordFailure(now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.failures += 1
            state.trialInFlight = false
            if state.failures >= threshold { state.openUntil = now + cooldown }
        }
    }
}
