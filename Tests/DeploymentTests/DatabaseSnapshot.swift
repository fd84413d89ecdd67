import Foundation
import PostgresNIO

/// Everything in a database's `public` schema that a restore must bring back: every row of
/// every table (as JSON, in a stable order), every constraint and every index definition.
/// Two snapshots are equal exactly when the data and its structure are the same.
struct DatabaseSnapshot: Equatable, Sendable {
    /// Table name → its rows as JSON text, sorted.
    let rows: [String: [String]]
    /// `name: definition` of every constraint, sorted.
    let constraints: [String]
    /// Every index definition, sorted.
    let indexes: [String]

    static func take(_ client: PostgresClient) async throws -> DatabaseSnapshot {
        let tables = try await strings(client, """
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1
            """)
        var rows: [String: [String]] = [:]
        for table in tables {
            let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            rows[table] = try await strings(client, "SELECT to_jsonb(t)::text FROM public.\(quoted) t ORDER BY 1")
        }
        let constraints = try await strings(client, """
            SELECT conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1
            """)
        let indexes = try await strings(client, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
        return DatabaseSnapshot(rows: rows, constraints: constraints, indexes: indexes)
    }

    /// Drops and recreates the `public` schema: every table, row, index and constraint goes.
    static func wipe(_ client: PostgresClient) async throws {
        try await client.query("DROP SCHEMA public CASCADE")
        try await client.query("CREATE SCHEMA public")
    }

    private static func strings(_ client: PostgresClient, _ sql: String) async throws -> [String] {
        var values: [String] = []
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(String.self) {
            values.append(value)
        }
        return values
    }
}
