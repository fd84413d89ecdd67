import Foundation

/// Channel names, validated, so that a client cannot subscribe to arbitrary Redis keys.
public enum EventChannel {
    public static func run(_ id: UUID) -> String { "run:\(id.uuidString.lowercased())" }
    public static func card(_ id: UUID) -> String { "card:\(id.uuidString.lowercased())" }
    public static let health = "health"

    /// The channel if it is well-formed: `run:<uuid>`, `card:<uuid>` or `health`.
    public static func parse(_ name: String) -> String? {
        if name == health { return name }
        for prefix in ["run:", "card:"] where name.hasPrefix(prefix) {
            guard let id = UUID(uuidString: String(name.dropFirst(prefix.count))) else { return nil }
            return prefix + id.uuidString.lowercased()
        }
        return nil
    }
}
