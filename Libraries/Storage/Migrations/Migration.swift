/// One versioned schema change. Versions are applied in order, each exactly once.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Every migration of the suite, oldest first. Kept in code (not resource files) so
    /// a daemon is one self-contained binary.
    public static let all: [Migration] = [
        .v001Initial, .v002KeysVersionsSearch, .v003DefaultModels, .v004CardChangeNotifications, .v005RunSnapshots,
        .v006CanonicalEmails, .v007EventOutbox, .v008EventTraceContext, .v009Webhooks,
    ]
}
