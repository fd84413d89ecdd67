import Budgets
import RedisClient
import Synchronization

/// Sends the decisions of concurrent requests to Redis together: while one pipeline is out,
/// the requests that arrive wait and go in the next one (group commit). Each is still one
/// script run, so nothing about the decisions changes, but a busy gateway pays one hand-over
/// to a Redis connection thread per batch instead of one per request, and one deadline timer.
///
/// A batch that misses the deadline fails every request waiting at that moment too: Redis is
/// not answering, and they would otherwise wait a second deadline.
final class DecisionBatcher: Sendable {
    enum Outcome: Sendable {
        case decided(Result<RateLimitVerdict, any Error>)
        case timedOut
    }

    private struct Waiting: Sendable {
        let request: GCRAScript.Request
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private struct Queue: Sendable {
        var waiting: [Waiting] = []
        var flushing = false
    }

    let redis: RedisClient
    let timeout: Duration
    private let queue = Mutex(Queue())

    init(redis: RedisClient, timeout: Duration) {
        self.redis = redis
        self.timeout = timeout
    }

    func decide(_ request: GCRAScript.Request) async -> Outcome {
        await withCheckedContinuation { continuation in
            let leads = queue.withLock { queue in
                queue.waiting.append(Waiting(request: request, continuation: continuation))
                if queue.flushing { return false }
                queue.flushing = true
                return true
            }
            if leads { Task { await self.flush() } }
        }
    }

    /// Sends what waits, batch after batch, until nothing does.
    private func flush() async {
        while true {
            let batch = queue.withLock { queue -> [Waiting] in
                let batch = queue.waiting
                queue.waiting = []
                if batch.isEmpty { queue.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            let redis = self.redis
            let requests = batch.map(\.request)
            do {
                let results = try await withDeadline(timeout) { try await GCRAScript.evaluate(redis, requests) }
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(returning: .decided(result)) }
            } catch is DeadlineExceeded {
                let late = queue.withLock { queue -> [Waiting] in
                    defer { queue.waiting = [] }
                    return queue.waiting
                }
                for waiting in batch + late { waiting.continuation.resume(returning: .timedOut) }
            } catch {
                for waiting in batch { waiting.continuation.resume(returning: .decided(.failure(error))) }
            }
        }
    }
}
