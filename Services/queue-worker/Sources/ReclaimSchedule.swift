import Synchronization

/// When a consumer should look for jobs of dead workers, shared by a worker's consumers so
/// that one of them looks at a time: each `stallTimeout / 2`, and again at once after a
/// look that found one (there may be more). The job found is run by that consumer like any
/// other, so rescuing jobs never holds up the maintenance loop.
final class ReclaimSchedule: Sendable {
    private let next: Mutex<ContinuousClock.Instant>
    private let interval: Duration

    init(interval: Duration) {
        self.interval = interval
        self.next = Mutex(.now + interval)
    }

    /// True for exactly one caller once the time has come; it must then report `found(_:)`.
    func claimTurn() -> Bool {
        next.withLock { next in
            let now = ContinuousClock.now
            guard now >= next else { return false }
            next = now + interval
            return true
        }
    }

    /// After a look: when it found a job, the next look may come at once.
    func found(_ any: Bool) {
        if any { next.withLock { $0 = .now } }
    }
}
