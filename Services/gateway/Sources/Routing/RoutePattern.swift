/// A path pattern of the route table: literal segments, `*` for any one segment, and a last
/// `**` for any number of them (`/api/v1/cards/*/runs`, `/api/v1/llm/v1/**`).
struct RoutePattern: Sendable, Equatable, CustomStringConvertible {
    let segments: [String]

    init?(_ text: Substring) {
        guard text.first == "/" else { return nil }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if let doubleStar = segments.firstIndex(of: "**"), doubleStar != segments.count - 1 { return nil }
        if segments.dropLast().contains("") { return nil }
        self.segments = segments
    }

    var description: String { "/" + segments.joined(separator: "/") }

    /// What a trailing `**` matched (empty if none, or there is no `**`), or nil when the path does not match.
    func match(_ path: [Substring]) -> ArraySlice<Substring>? {
        var index = 0
        for segment in segments {
            if segment == "**" { return path[index...] }
            guard index < path.count, segment == "*" || path[index] == segment else { return nil }
            index += 1
        }
        return index == path.count ? path[path.count...] : nil
    }

    /// This pattern as a path, its `**` replaced by `rest`.
    func filling(_ rest: ArraySlice<Substring>) -> String {
        var parts = segments
        if parts.last == "**" {
            parts.removeLast()
            parts.append(contentsOf: rest.map(String.init))
        }
        let path = "/" + parts.joined(separator: "/")
        return path
    }
}
