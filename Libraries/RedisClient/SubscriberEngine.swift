import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The machinery behind `RedisSubscriber`: one connection driven by one dedicated thread.
///
/// The thread sleeps in poll() on the socket and on a self-pipe. Callers never touch hiredis:
/// they queue a request and poke the pipe; the thread writes it, reads the server's
/// confirmations, and resumes the caller. So hiredis is only ever used from that one thread,
/// and (un)subscribing works while the thread is waiting for messages.
final class SubscriberEngine: Sendable {
    /// The pub/sub commands a caller can queue.
    enum Action: String, Sendable {
        case subscribe = "SUBSCRIBE"
        case unsubscribe = "UNSUBSCRIBE"
        case psubscribe = "PSUBSCRIBE"
        case punsubscribe = "PUNSUBSCRIBE"
    }

    /// One queued command. Redis confirms each name separately, in order.
    struct Request: Sendable {
        /// Identifies the request so a cancelled caller can withdraw it from the outbox.
        let id: Int
        let action: Action
        let names: [String]
        /// The caller waiting for the confirmations; nil for the loop's own re-subscriptions.
        let continuation: CheckedContinuation<Void, any Error>?
        /// Set on the last re-subscription after a reconnect: confirming it yields `.reconnected`.
        var announcesReconnect = false
    }

    /// A written request and how many confirmations it still awaits.
    private struct InFlight {
        let request: Request
        var remaining: Int
    }

    /// What callers and the loop share. The subscription sets are what the subscriber should
    /// be subscribed to, updated when asked, so a reconnect restores exactly that.
    private struct Shared {
        var channels: Set<String> = []
        var patterns: Set<String> = []
        var outbox: [Request] = []
        var closed = false
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }


    private let configuration: RedisConfiguration
    private let events: AsyncStream<RedisPubSubEvent>.Continuation
    private let shared = Mutex(Shared())
    private let requestIDs = Atomic<Int>(0)
    /// nil only if the process ran out of file descriptors; the engine is then closed from birth.
    private let wakePipe: WakePipe?

    init(configuration: RedisConfiguration, events: AsyncStream<RedisPubSubEvent>.Continuation) {
        self.configuration = configuration
        self.events = events
        self.wakePipe = try? WakePipe()
    }

    /// Starts the connection thread (separate from init so the thread can hold `self`).
    func start() {
        guard wakePipe != nil else {
            shared.withLock { $0.closed = true; $0.exited = true }
            events.finish()
            return
        }
        let thread = Thread { [self] in runLoop() }
        thread.name = "redis-subscriber"
        thread.start()
    }

    /// Queues `action` and suspends until Redis has confirmed every name. While the
    /// connection is down the request waits and is sent once it is back; cancelling the
    /// calling task withdraws a request that has not been written yet.
    func perform(_ action: Action, _ names: [String]) async throws {
        enum Outcome { case queued, nothingToDo, closed, cancelled }
        let requestID = requestIDs.wrappingAdd(1, ordering: .relaxed).newValue
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = shared.withLock { shared -> Outcome in
                    guard !shared.closed else { return .closed }
                    // Checked under the lock so a cancellation cannot slip in unnoticed.
                    guard !Task.isCancelled else { return .cancelled }
                    var unique: [String] = []
                    var seen: Set<String> = []
                    for name in names where seen.insert(name).inserted { unique.append(name) }
                    // An empty unsubscribe means "everything", spelled out so confirmations can be counted.
                    if unique.isEmpty, action == .unsubscribe { unique = shared.channels.sorted() }
                    if unique.isEmpty, action == .punsubscribe { unique = shared.patterns.sorted() }
                    guard !unique.isEmpty else { return .nothingToDo }
                    switch action {
                    case .subscribe: shared.channels.formUnion(unique)
                    case .unsubscribe: shared.channels.subtract(unique)
                    case .psubscribe: shared.patterns.formUnion(unique)
                    case .punsubscribe: shared.patterns.subtract(unique)
                    }
                    shared.outbox.append(Request(id: requestID, action: action, names: unique, continuation: continuation))
                    return .queued
                }
                switch outcome {
                case .queued: wakePipe?.wake()
                case .nothingToDo: continuation.resume()
                case .closed: continuation.resume(throwing: RedisError.closed)
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            // Only a request still in the outbox can be withdrawn; one already written simply
            // completes. The subscription sets keep the change, which is harmless: the next
            // reconnect restores them, and the caller can undo it with the opposite call.
            let withdrawn = shared.withLock { shared -> Request? in
                guard let index = shared.outbox.firstIndex(where: { $0.id == requestID }) else { return nil }
                return shared.outbox.remove(at: index)
            }
            withdrawn?.continuation?.resume(throwing: CancellationError())
        }
    }

    /// Stops the thread promptly, fails waiting requests with `.closed`, finishes the stream,
    /// and returns once the thread has exited.
    func close() async {
        requestClose()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = shared.withLock { shared -> Bool in
                if shared.exited { return true }
                shared.exitWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    /// The non-waiting part of `close()`, also used when the subscriber is dropped.
    func requestClose() {
        let queued = shared.withLock { shared -> [Request] in
            shared.closed = true
            defer { shared.outbox.removeAll() }
            return shared.outbox
        }
        for request in queued { request.continuation?.resume(throwing: RedisError.closed) }
        events.finish()
        wakePipe?.wake()
    }

    // MARK: - The connection thread

    private var isClosed: Bool { shared.withLock { $0.closed } }

    private func runLoop() {
        ConnectionThread.blockSIGPIPE()
        var context: HiredisContext?
        var inFlight: [InFlight] = []
        var resend: [Request] = []
        var hasConnectedBefore = false
        var reconnectDelay: Duration?

        while !isClosed {
            if context == nil {
                if let delay = reconnectDelay {
                    sleep(for: delay)
                    if isClosed { break }
                }
                do {
                    context = try connect()
                } catch {
                    if case .server = error {
                        // Redis is up but refused AUTH/SELECT: waiting will not fix that, so the
                        // callers hear about it now. The loop keeps retrying in the background.
                        failWaitingRequests(&resend, with: error)
                    }
                    let next = (reconnectDelay ?? configuration.firstReconnectDelay / 2) * 2
                    reconnectDelay = min(next, configuration.maximumReconnectDelay)
                    continue
                }
                reconnectDelay = nil
                if hasConnectedBefore {
                    let restore = resubscriptions()
                    if restore.isEmpty { events.yield(.reconnected) }
                    resend = restore + resend
                }
                hasConnectedBefore = true
            }
            guard let connection = context else { continue }

            do {
                let requests = resend + shared.withLock { shared -> [Request] in
                    defer { shared.outbox.removeAll() }
                    return shared.outbox
                }
                resend.removeAll()
                // Tracked before writing, so a failed write leaves them in `inFlight` for resending.
                inFlight += requests.map { InFlight(request: $0, remaining: $0.names.count) }
                for request in requests {
                    try connection.append([Array(request.action.rawValue.utf8)] + request.names.map { Array($0.utf8) })
                }
                if !requests.isEmpty { try connection.flush() }
                if waitForInput(on: connection.fileDescriptor) {
                    try connection.readAvailable()
                    while let reply = try connection.nextBufferedReply() {
                        handle(reply, inFlight: &inFlight)
                    }
                }
            } catch {
                // Connection lost: drop it, and after reconnecting send again whatever was not
                // confirmed. Re-subscriptions are rebuilt from the sets, so they are not kept.
                connection.close()
                context = nil
                resend = inFlight.map(\.request).filter { $0.continuation != nil }
                inFlight.removeAll()
                reconnectDelay = configuration.firstReconnectDelay
            }
        }

        context?.close()
        let unfinished = inFlight.map(\.request) + resend
        let (queued, waiters) = shared.withLock { shared in
            shared.exited = true
            defer {
                shared.outbox.removeAll()
                shared.exitWaiters.removeAll()
            }
            return (shared.outbox, shared.exitWaiters)
        }
        for request in unfinished + queued { request.continuation?.resume(throwing: RedisError.closed) }
        events.finish()
        for waiter in waiters { waiter.resume() }
    }

    /// Fails every request not yet written (and those to be re-sent) with `error`.
    private func failWaitingRequests(_ resend: inout [Request], with error: RedisError) {
        let queued = shared.withLock { shared -> [Request] in
            defer { shared.outbox.removeAll() }
            return shared.outbox
        }
        for request in resend + queued { request.continuation?.resume(throwing: error) }
        resend.removeAll()
    }

    /// Connects (blocking, bounded by the connect timeout) and authenticates.
    private func connect() throws(RedisError) -> HiredisContext {
        let context = try HiredisContext.connect(
            host: configuration.host, port: configuration.port, timeout: configuration.connectTimeout)
        do {
            try RedisConnection.handshake(context, configuration)
        } catch {
            context.close()
            throw error
        }
        return context
    }

    /// Commands that restore every current subscription on a new connection; the last one
    /// announces `.reconnected` once confirmed, so later publishes are sure to arrive.
    private func resubscriptions() -> [Request] {
        let (channels, patterns) = shared.withLock { ($0.channels.sorted(), $0.patterns.sorted()) }
        var requests: [Request] = []
        if !channels.isEmpty { requests.append(Request(id: 0, action: .subscribe, names: channels, continuation: nil)) }
        if !patterns.isEmpty { requests.append(Request(id: 0, action: .psubscribe, names: patterns, continuation: nil)) }
        if !requests.isEmpty { requests[requests.count - 1].announcesReconnect = true }
        return requests
    }

    /// Sleeps in poll() until the socket is readable (true) or the wake pipe fires (false).
    private func waitForInput(on socket: Int32) -> Bool {
        guard let wakePipe else { return false }
        var entries = [
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        guard poll(&entries, 2, -1) > 0 else { return false }  // EINTR: just go round again
        if entries[1].revents != 0 { wakePipe.drain() }
        // POLLHUP/POLLERR count as readable: the read then reports the EOF or error.
        return entries[0].revents != 0
    }

    /// Waits out a reconnect delay; only close() cuts it short (a queued request does not,
    /// or requests arriving while Redis is down would defeat the backoff).
    private func sleep(for delay: Duration) {
        guard let wakePipe else { return }
        let clock = ContinuousClock()
        let deadline = clock.now + delay
        while !isClosed {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { return }
            let milliseconds = left.milliseconds + 1
            var entry = pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, Int32(clamping: milliseconds)) > 0 { wakePipe.drain() }
        }
    }

    /// Routes one reply: messages go to the stream, confirmations and errors to the oldest
    /// in-flight request (Redis answers in order).
    private func handle(_ reply: RESPValue, inFlight: inout [InFlight]) {
        switch reply {
        case .array(let parts):
            guard let kind = parts.first?.string?.lowercased() else { return }
            switch kind {
            case "message" where parts.count == 3:
                events.yield(.message(channel: Self.text(parts[1]), payload: parts[2].bytes ?? []))
            case "pmessage" where parts.count == 4:
                events.yield(.pmessage(pattern: Self.text(parts[1]), channel: Self.text(parts[2]), payload: parts[3].bytes ?? []))
            case "subscribe", "unsubscribe", "psubscribe", "punsubscribe":
                guard !inFlight.isEmpty else { return }
                inFlight[0].remaining -= 1
                if inFlight[0].remaining <= 0 { finish(inFlight.removeFirst().request) }
            default:
                return
            }
        case .error(let message):
            guard !inFlight.isEmpty else { return }
            inFlight.removeFirst().request.continuation?.resume(throwing: RedisError.server(message))
        default:
            return
        }
    }

    private func finish(_ request: Request) {
        request.continuation?.resume()
        if request.announcesReconnect { events.yield(.reconnected) }
    }

    /// Channel names are bytes; decode leniently so an odd name never drops a message.
    private static func text(_ value: RESPValue) -> String {
        String(decoding: value.bytes ?? [], as: UTF8.self)
    }
}
