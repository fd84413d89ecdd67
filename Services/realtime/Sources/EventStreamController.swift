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
struct EventStreamController: Sendable {
    let hub: ChannelHub
    let access: ChannelAccess

    @Sendable func stream(_ request: Request, context: RealtimeRequestContext) async throws -> Response {
        guard let raw = request.uri.queryParameters["channel"], let channel = EventChannel.parse(String(raw)) else {
            throw APIError.validation(field: "channel", reason: "must be run:<uuid>, card:<uuid> or health")
        }
        let identity = try context.requireIdentity()
        switch await access.check(channel, identity: identity, token: AuthenticationMiddleware<RealtimeRequestContext>.token(in: request) ?? "") {
        case .allowed: break
        case .notFound: throw APIError.notFound("Channel")
        case .unavailable: throw APIError.unavailable("Could not check access to the channel; try again")
        }
        let since = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters["since"].map(String.init)
        let hub = self.hub
        let (records, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(10_000))
        let id = try await hub.subscribe(channel: channel, since: since, sink: { event in
            if case .enqueued = continuation.yield(EventEncoding.sse(event)) { return true }
            return false
        })
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(15))
                continuation.yield(": keep-alive\n\n")
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                defer { heartbeat.cancel() }
                do {
                    try await writer.write(ByteBuffer(string: ": subscribed \(channel)\n\n"))
                    for await record in records.cancelOnGracefulShutdown() {
                        try await writer.write(ByteBuffer(string: record))
                    }
                    try await writer.finish(nil)
                } catch {
                    await hub.unsubscribe(id, channel: channel)
                    throw error
                }
                await hub.unsubscribe(id, channel: channel)
            })
    }
}
