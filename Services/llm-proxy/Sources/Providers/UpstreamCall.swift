import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ServiceKit

/// The HTTP call to an upstream, with the failures mapped to gateway problems: an
/// unreachable upstream is a 502, a slow one a 504 — never a 500 of ours.
enum UpstreamCall {
    static func post(url: String, body: Data, headers: [(String, String)], timeout: Duration) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            do {
                return try await ServiceHTTPClient.shared.execute(request, timeout: timeout.timeAmount)
            } catch where Self.isStaleConnection(error) {
                // A pooled keep-alive connection the upstream closed just as it was reused
                // (llama.cpp's server drops idle ones after 5 s): the upstream closed it without
                // answering, so it did not run the request; send it once more, on a fresh one.
                return try await ServiceHTTPClient.shared.execute(request, timeout: timeout.timeAmount)
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw APIError(.gatewayTimeout, "The model backend did not answer within \(timeout)")
        } catch {
            throw APIError.badGateway("The model backend is unreachable: \(error)")
        }
    }

    /// The failures of a reused connection that the upstream had closed before answering.
    static func isStaleConnection(_ error: any Error) -> Bool {
        if let error = error as? ChannelError, error == .ioOnClosedChannel { return true }
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed { return true }
        return false
    }

    static func collect(_ response: HTTPClientResponse, limit: Int = 16 << 20) async throws -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: limit)
        } catch {
            throw APIError.badGateway("The model backend's answer could not be read: \(error)")
        }
    }
}
