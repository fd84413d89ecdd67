import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceLifecycle
import Synchronization
import TestSupport

/// A real HTTP server standing in for every upstream the gateway forwards to (cards-api,
/// llm-proxy, realtime), recording each request it gets: method, path, query and headers.
/// `/**` answers 200 with JSON of what arrived; `/v1/stream` streams `chunks` lines of SSE
/// `interval` apart (an LLM answer) and records whether it got to the end or its caller left.
final class RecordingUpstream: Sendable {
    struct Seen: Sendable {
        let method: String
        let path: String
        let query: String?
        let headers: [String: String]
    }

    enum StreamEnd: Sendable, Equatable {
        case completed
        case callerLeft
    }

    private let seen = Mutex<[Seen]>([])
    private let streamEnds = Mutex<[StreamEnd]>([])
    let chunks: Int
    let interval: Duration

    init(chunks: Int = 8, interval: Duration = .milliseconds(500)) {
        self.chunks = chunks
        self.interval = interval
    }

    var requests: [Seen] { seen.withLock { $0 } }
    var ends: [StreamEnd] { streamEnds.withLock { $0 } }

    /// Serves until `body` returns; `port` nil picks a free one.
    func serve<T: Sendable>(port: Int? = nil, _ body: @Sendable (_ port: Int) async throws -> T) async throws -> T {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete, .head] {
            // One handler for every path: the router does not fall back to `/**` from a
            // partly matched literal route, so `/v1/stream` is told apart here.
            router.on("/**", method: method) { request, _ -> Response in
                if request.uri.path == "/v1/stream" { return self.stream(request) }
                if request.uri.path == "/api/v1/moved" {
                    self.record(request)
                    return Response(status: .found, headers: [.location: "/api/v1/elsewhere"])
                }
                self.record(request)
                let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first }
                let echo = try JSONSerialization.data(withJSONObject: ["path": request.uri.path, "headers": headers])
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: echo)))
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port ?? 0)))
        guard let port else { return try await app.test(.live) { client in try await body(client.port!) } }
        // On a given port (an upstream that comes back where it was), which the test framework
        // does not offer: it always picks a free one.
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let services = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
            group.addTask { try await services.run() }
            do {
                try await ManagedProcess.waitForPort(port, timeout: .seconds(30))
                let value = try await body(port)
                await services.triggerGracefulShutdown()
                return value
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    private func stream(_ request: Request) -> Response {
        record(request)
        let chunks = self.chunks, interval = self.interval
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
            do {
                for index in 0..<chunks {
                    try await writer.write(ByteBuffer(string: "data: {\"chunk\":\(index)}\n\n"))
                    try await Task.sleep(for: interval)
                }
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
                self.streamEnds.withLock { $0.append(.completed) }
            } catch {
                self.streamEnds.withLock { $0.append(.callerLeft) }
                throw error
            }
        })
    }

    private func record(_ request: Request) {
        let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first }
        seen.withLock {
            $0.append(Seen(method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers))
        }
    }
}
