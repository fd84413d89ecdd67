import Foundation
import HummingbirdWebSocket
import Logging
import Queue
import ServiceKit
import ServiceLifecycle
import Synchronization

/// One WebSocket connection: reads the client's ops, keeps its subscriptions on the hub,
/// and writes replies and events in order through a single outbound queue.
struct WebSocketSession: Sendable {
    let hub: ChannelHub
    let access: ChannelAccess
    let maxChannels: Int
    let logger: Logger

    /// Who opened the connection: the identity and the token it was proven with.
    struct Caller: Sendable {
        let identity: Identity
        let token: String
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, caller: Caller) async throws {
        let (frames, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(10_000))
        let send: @Sendable (String) -> Bool = { frame in
            if case .enqueued = continuation.yield(frame) { return true }
            return false
        }
        let subscriptions = Mutex<[String: UUID]>([:])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in frames { try await outbound.write(.text(frame)) }
            }
            defer { group.cancelAll() }
            // On graceful shutdown the loop ends and the client is told the server is going
            // away (1001), so it reconnects elsewhere and resumes from its last event id.
            for try await message in inbound.messages(maxSize: 64 * 1024).cancelOnGracefulShutdown() {
                guard case .text(let text) = message,
                      let request = try? JSONDecoder().decode(ClientMessage.self, from: Data(text.utf8))
                else {
                    _ = send(ServerMessage.reply("error", error: "expected a JSON text frame with an \"op\""))
                    continue
                }
                await handle(request, caller: caller, send: send, subscriptions: subscriptions)
            }
            continuation.finish()
            if Task.isShuttingDownGracefully {
                try? await outbound.close(.goingAway, reason: "server shutting down")
            }
        }
        for (channel, id) in subscriptions.withLock({ $0 }) {
            await hub.unsubscribe(id, channel: channel)
        }
    }

    private func handle(_ request: ClientMessage, caller: Caller, send: @escaping @Sendable (String) -> Bool,
                        subscriptions: borrowing Mutex<[String: UUID]>) async {
        switch request.op {
        case "ping":
            _ = send(ServerMessage.reply("pong"))
        case "subscribe":
            guard let raw = request.channel, let channel = EventChannel.parse(raw) else {
                _ = send(ServerMessage.reply("error", channel: request.channel, error: "unknown channel; expected run:<uuid>, card:<uuid> or health"))
                return
            }
            if subscriptions.withLock({ $0[channel] != nil }) {
                _ = send(ServerMessage.reply("subscribed", channel: channel))
                return
            }
            guard subscriptions.withLock({ $0.count }) < maxChannels else {
                _ = send(ServerMessage.reply("error", channel: channel, error: "too many subscriptions (at most \(maxChannels))"))
                return
            }
            switch await access.check(channel, identity: caller.identity, token: caller.token) {
            case .allowed:
                break
            case .notFound:
                _ = send(ServerMessage.reply("error", channel: channel, error: "no such channel"))
                return
            case .unavailable:
                _ = send(ServerMessage.reply("error", channel: channel, error: "could not check access to the channel; try again"))
                return
            }
            do {
                let id = try await hub.subscribe(channel: channel, since: request.since, sink: { event in
                    send(EventEncoding.json(event))
                }, onRegistered: {
                    _ = send(ServerMessage.reply("subscribed", channel: channel))
                })
                subscriptions.withLock { $0[channel] = id }
            } catch {
                logger.warning("subscribe failed", metadata: ["channel": "\(channel)", "error": "\(error)"])
                _ = send(ServerMessage.reply("error", channel: channel, error: "subscription failed; try again"))
            }
        case "unsubscribe":
            guard let raw = request.channel, let channel = EventChannel.parse(raw),
                  let id = subscriptions.withLock({ $0.removeValue(forKey: channel) })
            else {
                _ = send(ServerMessage.reply("error", channel: request.channel, error: "not subscribed to this channel"))
                return
            }
            await hub.unsubscribe(id, channel: channel)
            _ = send(ServerMessage.reply("unsubscribed", channel: channel))
        default:
            _ = send(ServerMessage.reply("error", error: "unknown op \"\(request.op)\"; expected subscribe, unsubscribe or ping"))
        }
    }
}
