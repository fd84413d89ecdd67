import RedisClient
import Testing
import TestSupport

/// Single commands: reply types, binary safety and error replies.
@Suite(.timeLimit(.minutes(1)))
struct CommandTests {
    @Test func setGetDelRoundTrip() async throws {
        try await withRedis { _, client async throws in
            #expect(try await client.send("SET", "greeting", "hello") == .status("OK"))
            #expect(try await client.send("GET", "greeting") == .bulk("hello"))
            #expect(try await client.send("GET", "greeting").string == "hello")
            #expect(try await client.send("DEL", "greeting") == .integer(1))
            #expect(try await client.send("DEL", "greeting") == .integer(0))
            #expect(try await client.send(["EXISTS", "greeting"]) == .integer(0))
        }
    }

    @Test func binaryValuesSurviveUntouched() async throws {
        try await withRedis { _, client async throws in
            let key: [UInt8] = [0x6B, 0x00, 0xFF, 0x01]
            let value: [UInt8] = [0x00, 0xFF, 0xFE, 0x41, 0x00, 0xC3, 0x28, 0x0D, 0x0A, 0x00]
            #expect(try await client.send(bytes: [Array("SET".utf8), key, value]) == .status("OK"))
            let reply = try await client.send(bytes: [Array("GET".utf8), key])
            #expect(reply == .bulk(value))
            #expect(reply.bytes == value)
            #expect(reply.string == nil, "invalid UTF-8 must not turn into text")
            #expect(try await client.send(bytes: [Array("STRLEN".utf8), key]) == .integer(value.count))
            // The key with a NUL in it is distinct from its prefix.
            #expect(try await client.send(bytes: [Array("EXISTS".utf8), [0x6B]]) == .integer(0))

            let empty = try await client.send(bytes: [Array("SET".utf8), Array("empty".utf8), []])
            #expect(empty == .status("OK"))
            #expect(try await client.send("GET", "empty") == .bulk([]))
        }
    }

    @Test func integerReplies() async throws {
        try await withRedis { _, client async throws in
            #expect(try await client.send("INCR", "counter") == .integer(1))
            #expect(try await client.send("INCRBY", "counter", "41") == .integer(42))
            #expect(try await client.send("DECRBY", "counter", "50") == .integer(-8))
            let stored = try await client.send("GET", "counter")
            #expect(stored == .bulk("-8"))
            #expect(stored.int == -8)
        }
    }

    @Test func nilReplyIsNull() async throws {
        try await withRedis { _, client async throws in
            let reply = try await client.send("GET", "missing")
            #expect(reply == .null)
            #expect(reply.isNull)
            #expect(reply.string == nil)
            #expect(try await client.send("HGET", "missing-hash", "field").isNull)
        }
    }

    @Test func arrayReplies() async throws {
        try await withRedis { _, client async throws in
            #expect(try await client.send("RPUSH", "letters", "a", "b", "c") == .integer(3))
            #expect(try await client.send("LRANGE", "letters", "0", "-1") == .array([.bulk("a"), .bulk("b"), .bulk("c")]))
            #expect(try await client.send("LRANGE", "nothing", "0", "-1") == .array([]))

            _ = try await client.send("SET", "one", "1")
            let mixed = try await client.send("MGET", "one", "absent")
            #expect(mixed == .array([.bulk("1"), .null]))
            #expect(mixed.array?.count == 2)
        }
    }

    @Test func errorReplyThrowsServerErrorAndConnectionStaysUsable() async throws {
        try await withRedis(poolSize: 1) { _, client async throws in
            _ = try await client.send("SET", "word", "not-a-number")
            let message = await serverErrorMessage { try await client.send("INCR", "word") }
            #expect(message == "ERR value is not an integer or out of range")
            let unknown = await serverErrorMessage { try await client.send("NOSUCHCOMMAND") }
            #expect(unknown?.contains("unknown command") == true)
            // The same (only) connection keeps working after error replies.
            #expect(try await client.send("GET", "word") == .bulk("not-a-number"))
        }
    }

    @Test func emptyCommandIsRejectedBeforeSending() async throws {
        try await withRedis { _, client async throws in
            await #expect(throws: RedisError.protocolError("empty command")) {
                try await client.send([String]())
            }
        }
    }

    @Test func authAndSelectRunOnConnect() async throws {
        try await withRedis { server, admin async throws in
            // Put a key in database 3, then require a password and add an ACL user.
            var database3 = try RedisConfiguration(url: "redis://127.0.0.1:\(server.port)/3")
            #expect(database3.database == 3)
            let writer = RedisClient(configuration: database3)
            #expect(try await writer.send("SET", "where", "db3") == .status("OK"))
            await writer.shutdown()
            #expect(try await admin.send("GET", "where") == .null, "database 0 must not see database 3's key")

            _ = try await admin.send("ACL", "SETUSER", "alice", "on", ">wonderland", "~*", "+@all")
            _ = try await admin.send("CONFIG", "SET", "requirepass", "s3cret")

            database3.password = "s3cret"
            let withPassword = RedisClient(configuration: database3)
            #expect(try await withPassword.send("GET", "where") == .bulk("db3"))
            await withPassword.shutdown()

            let alice = RedisClient(configuration: try RedisConfiguration(url: "redis://alice:wonderland@127.0.0.1:\(server.port)/3"))
            #expect(try await alice.send("ACL", "WHOAMI") == .bulk("alice"))
            #expect(try await alice.send("GET", "where") == .bulk("db3"))
            await alice.shutdown()

            let anonymous = RedisClient(configuration: try RedisConfiguration(url: server.url))
            let noAuth = await serverErrorMessage { try await anonymous.send("GET", "where") }
            #expect(noAuth?.hasPrefix("NOAUTH") == true)
            await anonymous.shutdown()

            let wrong = RedisClient(configuration: try RedisConfiguration(url: "redis://:wrong@127.0.0.1:\(server.port)"))
            let refusal = await serverErrorMessage { try await wrong.send("PING") }
            #expect(refusal?.hasPrefix("AUTH failed") == true)
            await wrong.shutdown()
        }
    }
}
