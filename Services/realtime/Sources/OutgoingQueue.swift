import Budgets
import Synchronization

/// The frames waiting for one client, at most `limit` of them. A client that reads slower than
/// its events arrive would otherwise grow this without bound; past the limit the queue is
/// `overflowed`: it takes nothing more, and the connection is closed with `overflowReason`
/// (the client reconnects and resumes with `since` / Last-Event-ID, missing nothing).
final class OutgoingQueue: Sendable {
    let limit: Budget
    let frames: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let overflow: AsyncStream<Void>.Continuation
    /// Yields once, when the queue overflows (or ends when the queue is finished).
    let overflowed: AsyncStream<Void>
    private let state = Mutex(false)

    init(limit: Budget) {
        self.limit = limit
        (frames, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(limit.limit))
        (overflowed, overflow) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The sentence the client is told when the queue overflowed.
    var overflowReason: String {
        limit.exceeded("the queue of frames waiting for this connection").reason + "; reconnect and resume with since"
    }

    var hasOverflowed: Bool { state.withLock { $0 } }

    /// Queues `frame`; false once the queue has overflowed (the frame is dropped, and so is the connection).
    @discardableResult
    func send(_ frame: String) -> Bool {
        if state.withLock({ $0 }) { return false }
        if case .enqueued = continuation.yield(frame) { return true }
        state.withLock { $0 = true }
        continuation.finish()
        overflow.yield()
        overflow.finish()
        return false
    }

    /// No more frames: the writer ends after the queued ones.
    func finish() {
        continuation.finish()
        overflow.finish()
    }
}
