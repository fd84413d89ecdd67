import Foundation

extension KeyedEncodingContainer {
    /// UUIDs leave the API in lowercase (RFC 9562's canonical form), matching the ids in
    /// event payloads, channel names and job ids; Foundation would write uppercase.
    mutating func encodeLowercase(_ id: UUID, forKey key: Key) throws {
        try encode(id.uuidString.lowercased(), forKey: key)
    }
}
