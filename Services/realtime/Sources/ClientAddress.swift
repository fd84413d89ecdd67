import HTTPTypes
import Hummingbird
import NIOCore

/// The address a connection counts against (`MAX_CONNECTIONS_PER_CLIENT_ADDRESS`).
///
/// realtime is only reached through the edge (nginx or the Ingress controller, see the
/// NetworkPolicy), which sets `X-Real-IP` to the client it saw; that header is believed only
/// when the TCP peer is on loopback or a private network, i.e. is such a proxy. From any
/// other peer the peer itself is the client, so a spoofed header changes nothing.
enum ClientAddress {
    static func of(_ request: Request, peer: SocketAddress?) -> String {
        let peerAddress = peer?.ipAddress ?? "unknown"
        guard let peer, isProxy(peer), let forwarded = request.headers[HTTPField.Name("X-Real-IP")!],
              !forwarded.isEmpty, forwarded.utf8.count <= 64
        else { return peerAddress }
        return forwarded
    }

    /// Loopback, RFC 1918, or IPv6 loopback / unique-local.
    static func isProxy(_ peer: SocketAddress) -> Bool {
        switch peer {
        case .v4:
            guard let octets = peer.ipAddress?.split(separator: ".").compactMap({ UInt8($0) }), octets.count == 4
            else { return false }
            return octets[0] == 127 || octets[0] == 10 || (octets[0] == 172 && (16...31).contains(octets[1]))
                || (octets[0] == 192 && octets[1] == 168)
        case .v6:
            guard let address = peer.ipAddress?.lowercased() else { return false }
            return address == "::1" || address.hasPrefix("fc") || address.hasPrefix("fd")
                || address.hasPrefix("::ffff:127.") || address.hasPrefix("::ffff:10.")
        default:
            return false
        }
    }
}
