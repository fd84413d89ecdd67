import Foundation
import Logging
import PostgresNIO
import RedisClient
import Storage
import TestSupport
import Testing

/// The disaster-recovery basics, exercised for real: scripts/backup.sh takes a set from a
/// migrated Postgres database and a password-protected Redis with AOF on, the data is
/// wiped, scripts/restore.sh brings it back, and what comes back is identical. One test at a
/// time: each runs pg_dump/pg_restore or redis-server, and in parallel they load the machine.
@Suite(.serialized) struct DisasterRecoveryTests {
    let logger = Logger(label: "dr-test")

    /// A migrated database with a user and two cards (one edited, so it has versions).
    func seed(_ client: PostgresClient) async throws {
        try await Migrator(client: client, logger: logger).migrate()
        let user = try await PostgresUserRepository(client: client, logger: logger)
            .create(email: "ops@example.com", passwordHash: "$2b$10$abcdefghijklmnopqrstuv", role: "admin")
        let cards = PostgresCardRepository(client: client, logger: logger)
        _ = try await cards.create(ownerID: user.id, title: "Capitals", description: "geography, ünïcödé",
                                   template: "What is the capital of {{country}}?", variables: ["country"], tags: ["geo"])
        _ = try await cards.create(ownerID: user.id, title: "Quotes 'n \"escapes\"", description: "",
                                   template: "Say {{a}} and {{b}}", variables: ["a", "b"], tags: [])
    }

    @Test func postgresComesBackRowForRowAfterAWipe() async throws {
        try await TestDatabase.with { client, url in
            try await seed(client)
            let before = try await DatabaseSnapshot.take(client)
            #expect(before.rows["users"]?.count == 1 && before.rows["cards"]?.count == 2)
            let directory = try Repository.scratchDirectory("backups")
            let set = try await BackupScripts.backup(["--dir", directory, "--skip-redis"], environment: ["DATABASE_URL": url])
            #expect(FileManager.default.fileExists(atPath: set + "/postgres.dump"))

            try await DatabaseSnapshot.wipe(client)
            #expect(try await DatabaseSnapshot.take(client).rows.isEmpty, "the wipe removed every table")

            try await BackupScripts.restore(set, ["--skip-redis"], environment: ["DATABASE_URL": url])
            #expect(try await DatabaseSnapshot.take(client) == before)
        }
    }

    /// The new-server case: the set restores into a fresh, empty database.
    @Test func postgresRestoresIntoANewEmptyDatabase() async throws {
        let directory = try Repository.scratchDirectory("backups")
        let (set, before) = try await TestDatabase.with { client, url in
            try await seed(client)
            let set = try await BackupScripts.backup(["--dir", directory, "--skip-redis"], environment: ["DATABASE_URL": url])
            return (set, try await DatabaseSnapshot.take(client))
        }
        try await TestDatabase.with { client, url in
            try await BackupScripts.restore(set, ["--skip-redis"], environment: ["DATABASE_URL": url])
            #expect(try await DatabaseSnapshot.take(client) == before)
        }
    }

    @Test func aCorruptedSetIsRefusedAndTouchesNothing() async throws {
        try await TestDatabase.with { client, url in
            try await seed(client)
            let directory = try Repository.scratchDirectory("backups")
            let set = try await BackupScripts.backup(["--dir", directory, "--skip-redis"], environment: ["DATABASE_URL": url])
            let dump = try FileHandle(forUpdating: URL(fileURLWithPath: set + "/postgres.dump"))
            try dump.seek(toOffset: 64)
            try dump.write(contentsOf: Data("corrupted".utf8))
            try dump.close()
            try await DatabaseSnapshot.wipe(client)

            await #expect(throws: ShellCommand.Failed.self) {
                try await BackupScripts.restore(set, ["--skip-redis"], environment: ["DATABASE_URL": url])
            }
            #expect(try await DatabaseSnapshot.take(client).rows.isEmpty, "nothing was restored")
        }
    }

    @Test func aBadDatabaseURLIsRefusedWithoutShowingItsPassword() async throws {
        let directory = try Repository.scratchDirectory("backups")
        do {
            try await BackupScripts.backup(["--dir", directory, "--skip-redis"],
                                           environment: ["DATABASE_URL": "mysql://admin:hunter2@db/x"])
            Issue.record("backup.sh accepted a mysql:// URL")
        } catch let failure as ShellCommand.Failed {
            #expect(failure.output.contains("DATABASE_URL") && !failure.output.contains("hunter2"), "\(failure.output)")
        }
        #expect(try BackupScripts.sets(in: directory).isEmpty, "no partial set left behind")
    }

    /// Keys of every type (with a TTL on one, and a stream with its consumer group) survive
    /// snapshot, FLUSHALL, restore into the stopped server's folder and a fresh start with
    /// the append-only file on.
    @Test func redisComesBackKeyForKeyAfterAFlush() async throws {
        let redis = try await ProductionLikeRedis.start(password: "s3cret/with@odd:chars")
        let client = try redis.client()
        _ = try await client.pipeline([
            ["SET", "pcs:string", "hello"],
            ["SET", "pcs:expiring", "soon", "EX", "3600"],
            ["HSET", "pcs:hash", "a", "1", "b", "2"],
            ["RPUSH", "pcs:list", "x", "y", "z"],
            ["ZADD", "pcs:zset", "1", "one", "2", "two"],
            ["SADD", "pcs:set", "m", "n"],
            ["XADD", "pcs:stream", "*", "type", "run.queued"],
            ["XGROUP", "CREATE", "pcs:stream", "workers", "0"],
        ])
        let before = try await Self.keyContents(client)
        #expect(before.count == 7)

        let directory = try Repository.scratchDirectory("backups")
        let environment = ["REDIS_HOST": "127.0.0.1", "REDIS_PORT": String(redis.port), "REDIS_PASSWORD": redis.password]
        let set = try await BackupScripts.backup(["--dir", directory, "--skip-postgres"], environment: environment)
        _ = try await client.send(["FLUSHALL"])
        #expect(try await client.send(["DBSIZE"]).int == 0)
        await client.shutdown()
        await redis.stop()

        try await BackupScripts.restore(set, ["--skip-postgres", "--redis-data-dir", redis.directory], environment: [:])
        try await redis.startAgain()
        let restored = try redis.client()
        #expect(try await Self.keyContents(restored) == before)
        #expect(try await restored.send(["TTL", "pcs:expiring"]).int ?? 0 > 3000, "the TTL survived")
        // The restored data sits in the new append-only file: a restart keeps it.
        await restored.shutdown()
        await redis.stop()
        try await redis.startAgain()
        let again = try redis.client()
        #expect(try await again.send(["DBSIZE"]).int == 7)
        await again.shutdown()
        await redis.stop()
    }

    /// Key → its type and content in a canonical form (sets and hashes sorted, since their
    /// order depends on the server's hash seed), for every key.
    static func keyContents(_ client: RedisClient) async throws -> [String: String] {
        var contents: [String: String] = [:]
        guard case .array(let keys) = try await client.send(["KEYS", "*"]) else { return contents }
        for key in keys.compactMap(\.string) {
            let type = try await client.send(["TYPE", key]).string ?? "?"
            let read: [[String]] = switch type {
            case "string": [["GET", key]]
            case "hash": [["HGETALL", key]]
            case "list": [["LRANGE", key, "0", "-1"]]
            case "set": [["SMEMBERS", key]]
            case "zset": [["ZRANGE", key, "0", "-1", "WITHSCORES"]]
            case "stream": [["XRANGE", key, "-", "+"], ["XINFO", "GROUPS", key]]
            default: []
            }
            var parts = [type]
            for command in read {
                let reply = try await client.send(command)
                let text = Self.flatten(reply)
                parts.append((type == "set" || type == "hash" ? text.sorted() : text).joined(separator: ","))
            }
            contents[key] = parts.joined(separator: " | ")
        }
        return contents
    }

    /// Every string inside a reply, depth first.
    static func flatten(_ reply: RESPValue) -> [String] {
        switch reply {
        case .array(let items): items.flatMap(flatten)
        case .integer(let value): [String(value)]
        default: reply.string.map { [$0] } ?? []
        }
    }

    /// Retention keeps the newest N sets and none older than D days, never the newest set,
    /// and leaves anything that is not a set alone.
    @Test(arguments: [
        // (keep count, keep days, which of the fake sets remain: 0…2 are recent, 3…5 old)
        (3, 30, [0, 1]),
        (0, 7, [0, 1, 2]),
        (2, 0, [0]),
        (0, 0, [0, 1, 2, 3, 4, 5]),
    ])
    func retentionPrunesOldSets(count: Int, days: Int, kept: [Int]) async throws {
        try await TestDatabase.with { _, url in
            let directory = try Repository.scratchDirectory("retention")
            let day: TimeInterval = 86_400
            let fakes = [1, 2, 3, 40, 41, 400].map { BackupScripts.setName(age: Double($0) * day) }
            for name in fakes + ["notes"] {
                try FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
            }
            let set = try await BackupScripts.backup(
                ["--dir", directory, "--skip-redis", "--retain-count", String(count), "--retain-days", String(days)],
                environment: ["DATABASE_URL": url])
            let expected = (kept.map { fakes[$0] } + [(set as NSString).lastPathComponent]).sorted()
            #expect(try BackupScripts.sets(in: directory) == expected)
            #expect(FileManager.default.fileExists(atPath: directory + "/notes"), "not a set: untouched")
        }
    }
}
