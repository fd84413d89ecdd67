import Synchronization

/// Thrown by `withDeadline` when the work did not finish in time.
public struct DeadlineExceeded: Error, CustomStringConvertible, Sendable {
    public let limit: Duration
    public var description: String { "timed out after \(limit)" }
}

/// Runs `work` and returns its result, or throws `DeadlineExceeded` after `limit`.
///
/// Unlike a task group, this returns at the deadline even when `work` ignores cancellation
/// (a blocking C call on another thread, say): the work is cancelled and left to finish on
/// its own, and its late result is dropped.
public func withDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let outcome = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let resume: @Sendable (Result<T, any Error>) -> Void = { result in
        outcome.withLock { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
    var workTask: Task<Void, Never>?
    var timerTask: Task<Void, Never>?
    defer {
        workTask?.cancel()
        timerTask?.cancel()
    }
    return try await withCheckedThrowingContinuation { continuation in
        outcome.withLock { $0 = continuation }
        workTask = Task {
            do { resume(.success(try await work())) } catch { resume(.failure(error)) }
        }
        timerTask = Task {
            try? await Task.sleep(for: limit)
            resume(.failure(DeadlineExceeded(limit: limit)))
        }
    }
}
