import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// HTTP for tests whose request waits on the real local LLM. One llama.cpp server answers
/// every test in turn, on a 2-core machine that may be running a build beside it, so a
/// request can queue for minutes: a fixed short timeout (HummingbirdTesting's `.live` client
/// gives up after 20 s) makes such a test flaky rather than wrong. `patience` bounds a real
/// hang; nothing else does.
public enum PatientHTTP {
    /// How long a test waits for an answer that goes through the real LLM.
    public static let patience: Duration = .seconds(600)

    public struct Reply: Sendable {
        public let status: HTTPResponseStatus
        public let headers: HTTPHeaders
        public let body: ByteBuffer
        public var text: String { String(buffer: body) }
    }

    /// `method uri` on `127.0.0.1:port` with an optional JSON body.
    public static func execute(port: Int, _ uri: String, method: HTTPMethod = .GET, json body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
        request.method = method
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(patience.components.seconds))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: response.status, headers: response.headers, body: collected)
    }
}
