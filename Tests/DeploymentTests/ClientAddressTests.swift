import Foundation
import Testing

/// nginx believes X-Forwarded-For only from the load balancers an operator lists in
/// nginx/trusted-proxies.conf, so a client cannot choose the address its rate limits, logs and
/// realtime's per-address caps see. Run on the real production config (ProductionNginx).
@Suite(.serialized) struct ClientAddressTests {
    static func remoteAddresses(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["remote_addr"] as? String
        }
    }

    @Test func aSpoofedForwardedForFromAnUntrustedPeerIsNotTheClientAddress() async throws {
        let lines = try await ProductionNginx.accessLog(curlArguments: [
            ["-H", "X-Forwarded-For: 203.0.113.7"], ["-H", "X-Forwarded-For: 198.51.100.1, 10.9.9.9"], [],
        ])
        #expect(Self.remoteAddresses(lines) == Array(repeating: ProductionNginx.privateAddress, count: 3), "\(lines)")
    }

    @Test func aListedLoadBalancerForwardsTheClientAddress() async throws {
        let lines = try await ProductionNginx.accessLog(
            trustedProxies: "set_real_ip_from \(ProductionNginx.privateAddress);\n",
            curlArguments: [["-H", "X-Forwarded-For: 203.0.113.7"]])
        #expect(Self.remoteAddresses(lines) == ["203.0.113.7"], "\(lines)")
    }
}
