import Synchronization

/// How many retries an upstream may get: a share of the calls (`ratio`) plus a small floor
/// per second, so that a failing upstream sees at most (1 + ratio) times its normal load
/// rather than every caller's retries at once — the retry storm that keeps it down.
final class RetryBudget: Sendable {
    let ratio: Double
    let floorPerSecond: Int
    private struct State {
        var balance: Double = 0
        var second: ContinuousClock.Instant = .now
        var floorUsed = 0
    }

    private let state = Mutex(State())
    /// The most a quiet spell can save up.
    static let maximumBalance = 100.0

    init(ratio: Double = 0.2, floorPerSecond: Int = 5) {
        self.ratio = ratio
        self.floorPerSecond = floorPerSecond
    }

    /// A first attempt earns the budget its share.
    func recordCall() {
        state.withLock { $0.balance = min(Self.maximumBalance, $0.balance + ratio) }
    }

    /// Takes one retry from the budget, if there is one.
    func takeRetry(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            if now - state.second >= .seconds(1) {
                state.second = now
                state.floorUsed = 0
            }
            if state.floorUsed < floorPerSecond {
                state.floorUsed += 1
                return true
            }
            guard state.balance >= 1 else { return false }
            state.balance -= 1
            return true
        }
    }
}
