import Foundation

/// An opaque keyset cursor over `(created_at, id)`: stable under inserts, unlike offsets.
/// The timestamp is kept as integer microseconds (Postgres' own precision) so the
/// comparison in SQL is exact.
public struct PageCursor: Sendable, Equatable {
    public var createdAtMicros: Int64
    public var id: UUID

    /// The id a cursor carries when it holds an offset (ranked search results, which have
    /// no stable key) instead of a position.
    public static let offsetMarker = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    public init(createdAtMicros: Int64, id: UUID) {
        self.createdAtMicros = createdAtMicros
        self.id = id
    }

    /// URL-safe text form handed to clients as `next_cursor`.
    public var token: String {
        Data("\(createdAtMicros):\(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The positions a cursor may hold: 1970 up to the end of year 9999 in microseconds (a
    /// keyset position), or an offset (search results). Anything else was not issued by us,
    /// and outside it Postgres' timestamp arithmetic would fail ("timestamp out of range").
    public static let validPositions: ClosedRange<Int64> = 0...253_402_300_799_999_999

    /// The offset a search cursor holds, or nil for a keyset cursor.
    public var offset: Int? { id == Self.offsetMarker ? Int(createdAtMicros) : nil }

    /// Parses a client's cursor; nil when it is not one of ours (malformed, or a position
    /// outside `validPositions`, such as a negative offset).
    public init?(token: String) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), Self.validPositions.contains(micros),
              let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.createdAtMicros = micros
        self.id = id
    }
}

/// One page of a list and the cursor of the next page, if any.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: PageCursor?

    public init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
