import Budgets
import Events
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Queue
import ServiceKit
import ServiceLifecycle

/// `GET /events?channel=run:<id>`: the same events as Server-Sent Events. `Last-Event-ID`
/// (or `?since=`) resumes after that event; a comment line every 15 s keeps proxies from
/// closing an idle stream. The stream ends on graceful shutdown; the browser reconnects
/// with `Last-Event-ID` and misses nothing.
///
/// Each stream holds a connection slot (`ConnectionLimiter`: 429 when full) and a bounded
/// queue: a client too slow for its events sees the stream end with an `error` event naming
/// the limit, and resumes with Last-Event-ID.
struct EventStreamController: Sendable {
    let hub: ChannelHub
    let access: ChannelAccess
    let connections: ConnectionLimiter
    let queuedFrames: Budget

    @Sendable func stream(_ request: Request, context: RealtimeRequestContext) async throws -> Response {
        guard let raw = request.uri.queryParameters["channel"], let channel = EventChannel.parse(String(raw)) else {
            throw APIError.validation(field: "channel", reason: "must be run:<uuid>, card:<uuid> or health")
        }
        let identity = try context.requireIdentity()
        let address = ClientAddress.of(request, peer: context.peer)
        try connections.checkRoom(user: identity.userID, address: address)
        let token = AuthenticationMiddleware<RealtimeRequestContext>.token(in: request, acceptingQuery: true) ?? ""
        switch await access.check(channel, identity: identity, token: token) {
        case .allowed: break
        case .notFound: throw APIError.notFound("Channel")
        case .unavailable: throw APIError.unavailable("Could not check access to the channel; try again")
        }
        let since = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters["since"].map(String.init)
        let hub = self.hub
        let connections = self.connections
        let queue = OutgoingQueue(limit: queuedFrames)
        let id = try await hub.subscribe(channel: channel, since: since, sink: { event in
            queue.send(EventEncoding.sse(event))
        })
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(15))
                queue.send(": keep-alive\n\n")
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                defer { heartbeat.cancel() }
                do {
                    try await connections.holding(user: identity.userID, address: address) {
                        try await writer.write(ByteBuffer(string: ": subscribed \(channel)\n\n"))
                        for await record in queue.frames.cancelOnGracefulShutdown() where !queue.hasOverflowed {
                            try await writer.write(ByteBuffer(string: record))
                        }
                        if queue.hasOverflowed {
                            let record = "event: error\ndata: \(queue.overflowReason)\n\n"
                            try await writer.write(ByteBuffer(string: record))
                        }
                    }
                } catch let exceeded as BudgetExceeded {
                    try? await writer.write(ByteBuffer(string: "event: error\ndata: \(exceeded.reason)\n\n"))
                } catch {
                    await hub.unsubscribe(id, channel: channel)
                    throw error
                }
                await hub.unsubscribe(id, channel: channel)
                try await writer.finish(nil)
            })
    }
}
