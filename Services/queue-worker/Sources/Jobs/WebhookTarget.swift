import Foundation

/// Where a webhook may be delivered. Its host is resolved first and every address it has
/// must be public: no loopback, private (RFC 1918, unique-local), link-local (cloud
/// metadata lives at 169.254.169.254), carrier-grade NAT, multicast or unspecified address,
/// so a URL a user stored cannot make the worker reach into the network it runs in —
/// unless `WEBHOOK_ALLOW_PRIVATE=1` (tests, and installations whose receivers are inside).
/// The name is resolved again by the HTTP client when it connects; a DNS answer that
/// changed in those milliseconds (rebinding) is the remaining gap, noted in docs/QUEUE.md.
enum WebhookTarget {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// Throws `Refused` when `host` is, or resolves to, an address webhooks may not reach.
    static func check(host: String, allowPrivate: Bool) async throws {
        let addresses = try await resolve(host)
        guard !addresses.isEmpty else { throw Refused(description: "\(host) has no address") }
        if allowPrivate { return }
        if let blocked = addresses.first(where: isPrivate) {
            throw Refused(description: "\(host) resolves to \(blocked), a loopback, private or link-local address: "
                          + "webhooks are delivered to public addresses only (WEBHOOK_ALLOW_PRIVATE=1 allows others)")
        }
    }

    /// The host's addresses, as text; getaddrinfo runs on a Dispatch thread, never on a
    /// thread of Swift's cooperative pool or of an event loop.
    static func resolve(_ host: String) async throws -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                let status = getaddrinfo(bare, nil, &hints, &list)
                guard status == 0, let first = list else {
                    let reason = String(cString: gai_strerror(status))
                    continuation.resume(throwing: Refused(description: "\(host) could not be resolved: \(reason)"))
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [String] = []
                var entry: UnsafeMutablePointer<addrinfo>? = first
                while let current = entry {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count),
                                   nil, 0, NI_NUMERICHOST) == 0 {
                        addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                    }
                    entry = current.pointee.ai_next
                }
                continuation.resume(returning: Array(Set(addresses)).sorted())
            }
        }
    }

    /// Whether a numeric address is one webhooks may not reach (see the type's comment).
    static func isPrivate(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return isPrivate(v4: UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        let bare = address.split(separator: "%").first.map(String.init) ?? address  // fe80::1%eth0
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return true }  // not an address: refuse
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {  // ::ffff:a.b.c.d
            return isPrivate(v4: bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
        if bytes[0] & 0xfe == 0xfc { return true }  // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
        if bytes[0] == 0xff { return true }  // multicast
        return false
    }

    private static func isPrivate(v4 address: UInt32) -> Bool {
        func within(_ network: UInt32, _ bits: UInt32) -> Bool {
            address >> (32 - bits) == network >> (32 - bits)
        }
        return within(0x0000_0000, 8)  // 0.0.0.0/8 "this network"
            || within(0x0A00_0000, 8)  // 10/8
            || within(0x6440_0000, 10)  // 100.64/10 carrier-grade NAT
            || within(0x7F00_0000, 8)  // 127/8 loopback
            || within(0xA9FE_0000, 16)  // 169.254/16 link-local, cloud metadata
            || within(0xAC10_0000, 12)  // 172.16/12
            || within(0xC000_0000, 24)  // 192.0.0/24 protocol assignments
            || within(0xC0A8_0000, 16)  // 192.168/16
            || within(0xC612_0000, 15)  // 198.18/15 benchmarking
            || within(0xE000_0000, 4)  // 224/4 multicast
            || within(0xF000_0000, 4)  // 240/4 reserved, broadcast
    }
}
