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
            } catch ChannelError.ioOnClosedChannel {
                // A pooled keep-alive connection the upstream had just closed (llama.cpp's
                // server drops idle ones after 5 s): the request was never written, so sending
                // it once more, on a fresh connection, cannot run it twice.
                return try await ServiceHTTPClient.shared.execute(request, timeout: timeout.timeAmount)
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw APIError(.gatewayTimeout, "The model backend did not answer within \(timeout)")
        } catch {
            throw APIError.badGateway("The model backend is unreachable: \(error)")
        }
    }

    static func collect(_ response: HTTPClientResponse, limit: Int = 16 << 20) async throws -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: limit)
        } catch {
            throw APIError.badGateway("The model backend's answer could not be read: \(error)")
        }
    }
}
