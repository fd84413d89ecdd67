import Synchronization

/// The jobs this worker is running, each with a signal that stops it: the cancel listener
/// fires it when a producer or a cancelled run asks for the job to stop.
final class InFlightJobs: Sendable {
    private let signals = Mutex<[String: StopSignal]>([:])

    /// Starts tracking a job; its signal fires when `stop(_:)` names it.
    func track(_ id: String) -> StopSignal {
        let signal = StopSignal()
        signals.withLock { $0[id] = signal }
        return signal
    }

    func forget(_ id: String) {
        _ = signals.withLock { $0.removeValue(forKey: id) }
    }

    /// Stops the job if this worker runs it; true when it did.
    @discardableResult
    func stop(_ id: String) -> Bool {
        guard let signal = signals.withLock({ $0[id] }) else { return false }
        signal.fire()
        return true
    }

    var ids: [String] { signals.withLock { Array($0.keys) } }
}

/// A one-shot signal a task can wait on. Firing it before anyone waits is not lost.
final class StopSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once fired; throws `CancellationError` if the waiting task is cancelled first.
    func wait() async throws {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.fired { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            fire()
        }
        try Task.checkCancellation()
    }
}
