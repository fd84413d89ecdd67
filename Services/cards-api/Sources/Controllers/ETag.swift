import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit

/// Optimistic concurrency for cards: the ETag is the card's version, and an update with
/// `If-Match` applies only to that version (412 otherwise).
enum ETag {
    static func of(version: Int) -> String { "\"\(version)\"" }

    /// Whether an `If-None-Match` header (`*` or a list of tags, weak or strong) names
    /// `etag`: weak comparison, as RFC 9110 prescribes for it.
    static func matches(_ ifNoneMatch: String?, _ etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }

    /// The highest version a card can have (the column is a Postgres `integer`).
    static let maximumVersion = Int(Int32.max)

    /// The version `If-Match` names; nil when absent or `*` (any version). A well-formed tag
    /// beyond any version a card can have matches nothing: 412, as for any stale tag.
    static func expectedVersion(in request: Request) throws -> Int? {
        guard let header = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), header != "*" else { return nil }
        var tag = header
        if tag.hasPrefix("W/") { tag.removeFirst(2) }
        guard tag.count >= 3, tag.hasPrefix("\""), tag.hasSuffix("\""), let version = Int(tag.dropFirst().dropLast()) else {
            throw APIError(.preconditionFailed, "If-Match must be an ETag this API issued, e.g. \"3\"")
        }
        guard (1...maximumVersion).contains(version) else {
            throw APIError(.preconditionFailed, "If-Match names version \(version), which no card has")
        }
        return version
    }
}
