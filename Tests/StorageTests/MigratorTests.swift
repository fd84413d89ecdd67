import Logging
import PostgresNIO
import Storage
import TestSupport
import Testing

@Suite struct MigratorTests {
    @Test func concurrentMigrationsApplyEachVersionExactlyOnce() async throws {
        try await TestDatabase.with { client, _ in
            let logger = Logger(label: "test")
            let outcomes = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Migrator(client: client, logger: logger).migrate() }
                }
                var all: [[Int]] = []
                for try await applied in group { all.append(applied) }
                return all
            }
            let versions = Migration.all.map(\.version)
            #expect(outcomes.flatMap { $0 }.sorted() == versions, "each version applied by exactly one migrator")
            #expect(outcomes.filter { !$0.isEmpty }.count == 1)
            var recorded: [Int] = []
            for try await version in try await client.query("SELECT version FROM schema_migrations ORDER BY version").decode(Int.self) {
                recorded.append(version)
            }
            #expect(recorded == versions)
            #expect(try await Migrator(client: client, logger: logger).migrate().isEmpty)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.with { client, _ in
            let broken = Migration(version: 999, name: "broken", sql: "CREATE TABLE half (x int); SELECT * FROM no_such_table;")
            await #expect(throws: (any Error).self) {
                try await Migrator(client: client, logger: Logger(label: "test")).migrate([broken])
            }
            let rows = try await client.query("SELECT count(*) FROM pg_tables WHERE tablename IN ('half', 'schema_migrations')")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }
}
