import AsyncHTTPClient
import Foundation

/// A GET that must answer 2xx within a timeout: how readiness checks test an HTTP dependency.
public enum HTTPProbe {
    public struct Failed: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Returns the status code; throws when unreachable or not 2xx.
    @discardableResult
    public static func expectOK(_ url: String, timeout: Duration = .seconds(2)) async throws -> Int {
        let request = HTTPClientRequest(url: url)
        let response = try await ServiceHTTPClient.shared.execute(request, timeout: timeout.timeAmount)
        _ = try? await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Failed(description: "\(url) answered \(response.status.code)")
        }
        return Int(response.status.code)
    }
}
