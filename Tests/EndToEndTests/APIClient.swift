import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// A small JSON client for driving the public API through nginx.
struct APIClient: Sendable {
    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var contentType: String { headers.first(name: "content-type") ?? "" }
    }

    let baseURL: String
    var token: String?

    func send(_ method: HTTPMethod, _ path: String, json: Any? = nil, rawBody: String? = nil,
              headers extra: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let rawBody {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(PatientHTTP.patience.components.seconds))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: body))
    }
}
