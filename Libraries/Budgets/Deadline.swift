import Synchronization

/// Thrown by `withDeadline` when the work did not finish in time.
public struct DeadlineExceeded: Error, CustomStringConvertible, Sendable {
    public let limit: Duration
    public var description: String { "timed out after \(limit)" }
}

/// Runs `work` and returns its result, or throws `DeadlineExceeded` after `limit`, or
/// `CancellationError` as soon as the calling task is cancelled.
///
/// Unlike a task group, this returns at the deadline (or the cancellation) even when `work`
/// ignores cancellation (a blocking C call on another thread, a server that never answers):
/// the work is cancelled and left to finish on its own, and its late result is dropped. A
/// caller shutting down is never held for the rest of a long deadline.
public func withDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let outcome = DeadlineOutcome<T>()
    let workTask = Task {
        do { outcome.settle(.success(try await work())) } catch { outcome.settle(.failure(error)) }
    }
    let timerTask = Task {
        try? await Task.sleep(for: limit)
        outcome.settle(.failure(DeadlineExceeded(limit: limit)))
    }
    defer {
        workTask.cancel()
        timerTask.cancel()
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.wait(continuation)
        }
    } onCancel: {
        outcome.settle(.failure(CancellationError()))
    }
}

/// The first of work, timer and cancellation to finish wins; it may come before or after
/// the caller starts waiting, and is handed over exactly once either way.
private final class DeadlineOutcome<T: Sendable>: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<T, any Error>)
        case settled(Result<T, any Error>)
        case delivered
    }

    private let state = Mutex(State.pending)

    func settle(_ result: Result<T, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<T, any Error>? in
            switch state {
            case .pending:
                state = .settled(result)
                return nil
            case .waiting(let continuation):
                state = .delivered
                return continuation
            case .settled, .delivered:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    func wait(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if case .settled(let result) = state {
                state = .delivered
                return result
            }
            state = .waiting(continuation)
            return nil
        }
        if let early { continuation.resume(with: early) }
    }
}
