import Foundation
import Synchronization

/// Stops sending traffic to an upstream that keeps failing: after `threshold` consecutive
/// failures the circuit opens and calls fail fast for `cooldown`; then one trial call is
/// let through (half-open) and its outcome closes or re-opens the circuit.
///
/// Every admitted call must end in exactly one `finish(_:_:)`, whatever happens to it: a
/// half-open trial that never reports back would keep the circuit open for good (and the
/// cards-api circuit also fronts `/auth`, so nobody could log in). `ReverseProxy` finishes
/// its calls in a `defer`; a call that ends for the client's reasons (it went away, its body
/// was too large) is `abandoned`, which frees the trial without judging the upstream.
final class CircuitBreaker: Sendable {
    /// How an admitted call ended, as far as the upstream's health goes.
    enum Outcome: Sendable, Equatable {
        /// The upstream answered (any 2xx–4xx, and 503, which is load shedding).
        case answered
        /// The upstream failed: unreachable, timed out, or a 5xx other than 503.
        case failed
        /// The call ended before the upstream could be judged (the client went away or sent
        /// a bad request): it neither counts nor resets, and a half-open trial is given back.
        case abandoned
    }

    /// Permission for one call; hand it back to `finish`.
    struct Admission: Sendable, Equatable {
        /// Whether this call is the half-open trial.
        let isTrial: Bool
    }

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

    /// Whether calls are being refused now (open, or half-open with its trial out).
    var isOpen: Bool {
        state.withLock { $0.openUntil != nil }
    }

    /// Permission for a call now, or nil while the circuit is open (or its trial is out).
    func admit(now: ContinuousClock.Instant = .now) -> Admission? {
        state.withLock { state in
            guard let openUntil = state.openUntil else { return Admission(isTrial: false) }
            if now < openUntil || state.trialInFlight { return nil }
            state.trialInFlight = true
            return Admission(isTrial: true)
        }
    }

    /// Records how an admitted call ended.
    func finish(_ admission: Admission, _ outcome: Outcome, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            if admission.isTrial { state.trialInFlight = false }
            switch outcome {
            case .answered:
                state = State()
            case .failed:
                state.failures += 1
                if state.failures >= threshold { state.openUntil = now + cooldown }
            case .abandoned:
                break
            }
        }
    }
}
