/// A request path checked before any routing, so that what the route table matches is
/// exactly what the upstream will resolve: a path that could mean something else to the
/// upstream than to the gateway (`/api/v1/../internal`, `/api/v1/%2e%2e/`, `//api/v1/cards`,
/// an encoded `/` or `\`) is refused with 400 rather than guessed at.
///
/// Percent-encoded unreserved characters (`%61` for `a`) are decoded, as RFC 3986 says they
/// are equivalent; every other escape is kept as it came.
struct RequestPath: Sendable, Equatable {
    /// The canonical path, e.g. `/api/v1/cards/42`.
    let value: String
    /// Its segments, without the leading empty one (`["api", "v1", "cards", "42"]`); a
    /// trailing slash leaves a last empty segment.
    let segments: [Substring]

    /// Why a path was refused.
    struct Refused: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    static let maximumLength = 2_048

    init(_ raw: String) throws(Refused) {
        guard raw.utf8.count <= Self.maximumLength else {
            throw Refused(description: "the path is longer than \(Self.maximumLength) bytes")
        }
        guard raw.utf8.first == UInt8(ascii: "/") else { throw Refused(description: "the path must start with /") }
        var canonical: [UInt8] = []
        canonical.reserveCapacity(raw.utf8.count)
        var bytes = raw.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = bytes.next().flatMap(Self.hexValue), let low = bytes.next().flatMap(Self.hexValue) else {
                    throw Refused(description: "the path has a malformed percent escape")
                }
                let decoded = high << 4 | low
                if Self.isUnreserved(decoded) {
                    canonical.append(decoded)
                } else if decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\") || decoded < 0x20 || decoded == 0x7f {
                    throw Refused(description: "the path has an encoded slash, backslash or control character")
                } else {
                    canonical.append(contentsOf: [UInt8(ascii: "%"), Self.hexDigits[Int(high)], Self.hexDigits[Int(low)]])
                }
            case UInt8(ascii: "\\"):
                throw Refused(description: "the path has a backslash")
            case ..<0x21, 0x7f...:
                throw Refused(description: "the path has a space, control or non-ASCII byte (percent-encode it)")
            default:
                canonical.append(byte)
            }
        }
        let value = String(decoding: canonical, as: UTF8.self)
        let segments = value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst()
            .map { Substring($0) }
        for (index, segment) in segments.enumerated() {
            if segment == "." || segment == ".." {
                throw Refused(description: "the path has a dot segment (. or ..)")
            }
            if segment.isEmpty && index != segments.count - 1 {
                throw Refused(description: "the path has an empty segment (//)")
            }
        }
        self.value = value
        self.segments = Array(segments)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// RFC 3986's unreserved set: letters, digits, `-`, `.`, `_`, `~`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
