import RedisClient
import Testing
import TestSupport

/// Surviving Redis restarts, failing fast while Redis is down, and shutting down.
@Suite(.timeLimit(.minutes(1)))
struct ReconnectAndShutdownTests {
    @Test func nextCallAfterARestartSucceeds() async throws {
        try await withRedis(poolSize: 4) { server, client async throws in
            // Warm up several pooled connections so all of them go stale at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 { group.addTask { _ = try await client.send("SET", "key\(index)", "v") } }
                try await group.waitForAll()
            }
            #expect(try await client.send("GET", "key0") == .bulk("v"))

            try await server.restart()

            // No persistence: the value is gone, but the call itself just works.
            #expect(try await client.send("GET", "key0") == .null)
            #expect(try await client.send("SET", "after", "restart") == .status("OK"))
            let replies = try await client.pipeline([["GET", "after"], ["PING"]])
            #expect(replies == [.bulk("restart"), .status("PONG")])
            // And under concurrency, every stale connection is replaced transparently.
            try await server.restart()
            try await withThrowingTaskGroup(of: RESPValue.self) { group in
                for _ in 0..<20 { group.addTask { try await client.send("INCR", "n") } }
                var count = 0
                for try await reply in group where reply.int != nil { count += 1 }
                #expect(count == 20)
            }
        }
    }

    @Test func callsFailPromptlyWhileRedisIsDownAndRecoverAfterwards() async throws {
        try await withRedis { server, client async throws in
            #expect(try await client.send("PING") == .status("PONG"))
            await server.stop()

            for _ in 0..<3 {
                let (outcome, seconds) = await measure { () async -> Result<RESPValue, any Error> in
                    await Result { try await client.send("PING") }
                }
                // Promptly: well inside the 5 s connect timeout, which a refused connection must
                // not wait for (2 s was missed by a loaded machine at 2.24 s).
                #expect(seconds < 4, "a call while Redis is down took \(seconds)s")
                guard case .failure(let error) = outcome, case RedisError.connection = error else {
                    Issue.record("expected RedisError.connection, got \(outcome)")
                    continue
                }
            }

            try await server.restart()
            #expect(try await client.send("PING") == .status("PONG"))
            #expect(try await client.send("SET", "back", "yes") == .status("OK"))
        }
    }

    @Test func shutdownMakesLaterCallsThrowClosed() async throws {
        try await withRedis { _, client async throws in
            #expect(try await client.send("SET", "k", "v") == .status("OK"))
            await client.shutdown()
            await #expect(throws: RedisError.closed) { try await client.send("GET", "k") }
            await #expect(throws: RedisError.closed) { try await client.pipeline([["GET", "k"]]) }
            await client.shutdown()  // idempotent
        }
    }

    @Test func shutdownInterruptsACallBlockedInRedis() async throws {
        try await withRedis { _, client async throws in
            let blocked = Task { try await client.send("BLPOP", "nothing-here", "20") }
            try await Task.sleep(for: .milliseconds(200))
            let (_, seconds) = await measure { await client.shutdown() }
            #expect(seconds < 2)
            let (outcome, waited) = await measure { await blocked.result }
            #expect(waited < 2, "the blocked BLPOP should end right after shutdown")
            #expect(throws: RedisError.closed) { try outcome.get() }
        }
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing call.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
