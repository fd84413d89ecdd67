import Foundation
import HTTPTypes

/// Who the client is, from the TCP peer and the `X-Forwarded-For` the trusted proxies wrote
/// (`TRUSTED_PROXIES`: nginx locally, the ingress in a cluster). Walking back from the peer,
/// each trusted hop's claim about the address before it is believed, and the first address
/// that is not a trusted proxy is the client. What an untrusted caller writes into
/// `X-Forwarded-For` is never believed, so nobody picks their own address for rate limits.
struct ForwardedFor: Sendable {
    let trusted: [IPNetwork]

    init(trusted: [IPNetwork]) {
        self.trusted = trusted
    }

    /// The client, and the chain to pass on (client first, then the trusted hops, peer last).
    func resolve(peer: IPAddress?, header: String?) -> (client: IPAddress?, chain: [IPAddress]) {
        guard let peer else { return (nil, []) }
        var chain = [peer]
        guard isTrusted(peer), let header else { return (peer, chain) }
        let claimed = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for entry in claimed.reversed() {
            guard let current = chain.first, isTrusted(current), let address = IPAddress(entry) else { break }
            chain.insert(address, at: 0)
        }
        return (chain.first, chain)
    }

    func isTrusted(_ address: IPAddress) -> Bool {
        trusted.contains { $0.contains(address) }
    }
}
