import Budgets
import Events
import Foundation
import HummingbirdWebSocket
import Logging
import Queue
import ServiceKit
import ServiceLifecycle
import Synchronization

/// One WebSocket connection: reads the client's ops, keeps its subscriptions on the hub,
/// and writes replies and events in order through a single bounded outbound queue.
struct WebSocketSession: Sendable {
    let hub: ChannelHub
    let access: ChannelAccess
    let limits: RealtimeLimits
    let logger: Logger

    /// Who opened the connection: the identity and the token it was proven with.
    struct Caller: Sendable {
        let identity: Identity
        let token: String
    }

    /// Thrown to end a session whose client reads too slowly (its queue overflowed).
    struct SlowConsumer: Error {}

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, caller: Caller) async throws {
        let queue = OutgoingQueue(limit: limits.queuedFramesPerConnection)
        let state = SessionState()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await frame in queue.frames where !queue.hasOverflowed {
                        try await outbound.write(.text(frame))
                    }
                }
                group.addTask {
                    for await _ in queue.overflowed {
                        logger.notice("closing a slow WebSocket client",
                                      metadata: ["reason": "\(queue.overflowReason)"])
                        try? await outbound.close(.policyViolation, reason: Self.closeReason(queue))
                        throw SlowConsumer()
                    }
                }
                group.addTask {
                    // On graceful shutdown the loop ends and the client is told the server is going
                    // away (1001), so it reconnects elsewhere and resumes from its last event id.
                    for try await message in inbound.messages(maxSize: 64 * 1024).cancelOnGracefulShutdown() {
                        guard case .text(let text) = message,
                              let request = try? JSONDecoder().decode(ClientMessage.self, from: Data(text.utf8))
                        else {
                            queue.send(ServerMessage.reply("error", error: "expected a JSON text frame with an \"op\""))
                            continue
                        }
                        await handle(request, caller: caller, queue: queue, state: state)
                    }
                    queue.finish()
                    if Task.isShuttingDownGracefully {
                        try? await outbound.close(.goingAway, reason: "server shutting down")
                    }
                }
                defer { group.cancelAll() }
                while try await group.next() != nil {}
            }
        } catch is SlowConsumer {
            // Closed with the reason; the client resumes with `since`.
        }
        for (channel, id) in state.subscriptions.withLock({ $0 }) {
            await hub.unsubscribe(id, channel: channel)
        }
    }

    /// A close frame's reason is at most 123 bytes.
    static func closeReason(_ queue: OutgoingQueue) -> String {
        let reason = "slow consumer: over \(queue.limit.limit) queued frames (\(queue.limit.name)); resume with since"
        return String(decoding: Array(reason.utf8.prefix(123)), as: UTF8.self)
    }

    /// What one connection holds: its subscriptions (channel → hub listener) and its subscribe attempts.
    final class SessionState: Sendable {
        let subscriptions = Mutex<[String: UUID]>([:])
        let attempts = Mutex(SubscribeWindow())
    }

    /// Subscribe attempts in the current minute of one connection.
    struct SubscribeWindow {
        var start = ContinuousClock.now
        var count = 0

        mutating func admit(_ budget: Budget, now: ContinuousClock.Instant = .now) throws(BudgetExceeded) {
            if now - start >= .seconds(60) { self = SubscribeWindow(start: now, count: 0) }
            count += 1
            try budget.check(count, "the number of subscribe attempts this minute")
        }
    }

    private func handle(_ request: ClientMessage, caller: Caller, queue: OutgoingQueue, state: SessionState) async {
        switch request.op {
        case "ping":
            queue.send(ServerMessage.reply("pong"))
        case "subscribe":
            do {
                try state.attempts.withLock { window throws(BudgetExceeded) in
                    try window.admit(limits.subscribesPerMinute)
                }
            } catch {
                queue.send(ServerMessage.reply("error", channel: request.channel, error: error.reason))
                return
            }
            guard let raw = request.channel, let channel = EventChannel.parse(raw) else {
                queue.send(ServerMessage.reply("error", channel: request.channel,
                                               error: "unknown channel; expected run:<uuid>, card:<uuid> or health"))
                return
            }
            if state.subscriptions.withLock({ $0[channel] != nil }) {
                queue.send(ServerMessage.reply("subscribed", channel: channel))
                return
            }
            let held = state.subscriptions.withLock { $0.count }
            if !limits.channelsPerConnection.allows(held + 1) {
                let budget = limits.channelsPerConnection
                let reason = budget.exceeded("the number of subscriptions of this connection").reason
                queue.send(ServerMessage.reply("error", channel: channel, error: reason))
                return
            }
            switch await access.check(channel, identity: caller.identity, token: caller.token) {
            case .allowed:
                break
            case .notFound:
                queue.send(ServerMessage.reply("error", channel: channel, error: "no such channel"))
                return
            case .unavailable:
                queue.send(ServerMessage.reply("error", channel: channel,
                                               error: "could not check access to the channel; try again"))
                return
            }
            do {
                let id = try await hub.subscribe(channel: channel, since: request.since, sink: { event in
                    queue.send(EventEncoding.json(event))
                }, onRegistered: {
                    queue.send(ServerMessage.reply("subscribed", channel: channel))
                })
                state.subscriptions.withLock { $0[channel] = id }
            } catch {
                logger.warning("subscribe failed", metadata: ["channel": "\(channel)", "error": "\(error)"])
                queue.send(ServerMessage.reply("error", channel: channel, error: "subscription failed; try again"))
            }
        case "unsubscribe":
            guard let raw = request.channel, let channel = EventChannel.parse(raw),
                  let id = state.subscriptions.withLock({ $0.removeValue(forKey: channel) })
            else {
                queue.send(ServerMessage.reply("error", channel: request.channel,
                                               error: "not subscribed to this channel"))
                return
            }
            await hub.unsubscribe(id, channel: channel)
            queue.send(ServerMessage.reply("unsubscribed", channel: channel))
        default:
            queue.send(ServerMessage.reply(
                "error", error: "unknown op \"\(request.op)\"; expected subscribe, unsubscribe or ping"))
        }
    }
}
