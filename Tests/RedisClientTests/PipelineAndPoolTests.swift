import RedisClient
import Testing
import TestSupport

/// Pipelines, the connection pool under concurrency, and blocking commands.
@Suite(.timeLimit(.minutes(1)))
struct PipelineAndPoolTests {
    @Test func pipelineRepliesComeBackInOrderWithErrorsInPlace() async throws {
        try await withRedis { _, client async throws in
            let replies = try await client.pipeline([
                ["SET", "p:n", "10"],
                ["INCR", "p:n"],
                ["SET", "p:text", "abc"],
                ["INCR", "p:text"],
                ["GET", "p:n"],
                ["LPUSH", "p:n", "x"],
                ["GET", "p:absent"],
                ["RPUSH", "p:list", "a", "b"],
                ["LRANGE", "p:list", "0", "-1"],
            ])
            #expect(replies.count == 9)
            #expect(replies[0] == .status("OK"))
            #expect(replies[1] == .integer(11))
            #expect(replies[2] == .status("OK"))
            #expect(replies[3] == .error("ERR value is not an integer or out of range"))
            #expect(replies[4] == .bulk("11"))
            #expect(replies[5].errorMessage?.hasPrefix("WRONGTYPE") == true)
            #expect(replies[6] == .null)
            #expect(replies[7] == .integer(2))
            #expect(replies[8] == .array([.bulk("a"), .bulk("b")]))
            #expect(try await client.pipeline([]) == [])
        }
    }

    @Test func twoHundredConcurrentIncrementsThroughFourConnections() async throws {
        try await withRedis(poolSize: 4) { _, client async throws in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await client.send("INCR", "hits").int ?? -1 }
                }
                var seen = Set<Int>()
                for try await value in group { seen.insert(value) }
                // Every INCR saw a distinct count: none was lost or run twice.
                #expect(seen == Set(1...200))
            }
            #expect(try await client.send("GET", "hits").int == 200)
            // The pool never opened more than poolSize connections (CLIENT LIST counts ours
            // and nobody else's: the server is private to this test).
            let clients = try await client.send("CLIENT", "LIST").string ?? ""
            let count = clients.split(separator: "\n").count
            #expect(count >= 1 && count <= 4, "open connections: \(count)")
        }
    }

    @Test func blockingReadDoesNotHoldUpOtherCommands() async throws {
        try await withRedis(poolSize: 4) { _, client async throws in
            _ = try await client.send("XGROUP", "CREATE", "idle-stream", "workers", "$", "MKSTREAM")
            let blocked = Task {
                try await measure {
                    try await client.send("XREADGROUP", "GROUP", "workers", "w1", "BLOCK", "15000", "STREAMS", "idle-stream", ">")
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            // Queued behind the read, the first command would wait ~15 s; measured alone (20
            // round trips through the connection threads take seconds of scheduling on a loaded
            // 2-core machine), so the bound tells the two cases apart with a wide margin.
            let first = try await measure { try await client.send("SET", "k", "v") }
            #expect(first.seconds < 7.5, "a command waited \(first.seconds)s behind the blocking read")
            // None of them goes to the busy connection either: each alone would wait ~15 s there.
            var slowest = first.seconds
            for index in 0..<20 {
                slowest = max(slowest, try await measure { try await client.send("SET", "k\(index)", "v\(index)") }.seconds)
                #expect(try await client.send("GET", "k\(index)") == .bulk("v\(index)"))
            }
            #expect(slowest < 7.5, "a command waited \(slowest)s")
            let (reply, seconds) = try await blocked.value
            #expect(reply == .null, "nothing was added, so the blocking read times out with nil")
            #expect(seconds >= 14.5)
        }
    }

    @Test func blpopWakesUpWhenAnotherCallerPushes() async throws {
        try await withRedis(poolSize: 2) { _, client async throws in
            let waiter = Task { try await client.send("BLPOP", "jobs", "10") }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await client.send("LPUSH", "jobs", "job-1") == .integer(1))
            let (reply, seconds) = try await measure { try await waiter.value }
            #expect(reply == .array([.bulk("jobs"), .bulk("job-1")]))
            #expect(seconds < 8, "woken by the push, not by BLPOP's 10 s timeout")
        }
    }

    @Test func aCancelledWaiterLeavesTheQueueAtOnce() async throws {
        try await withRedis(poolSize: 1) { _, client async throws in
            // The only connection is busy for 20 s; a waiter that ignored cancellation would take
            // ~19.8 s. (With 6 s and a 3 s bound a loaded machine took 3.5 s to cancel.)
            let blocker = Task { try await client.send("BLPOP", "never", "20") }
            try await Task.sleep(for: .milliseconds(100))
            let waiter = Task { try await client.send("PING") }
            try await Task.sleep(for: .milliseconds(100))
            waiter.cancel()
            let (outcome, seconds) = await measure { await waiter.result }
            #expect(seconds < 10, "a cancelled caller must not wait for the busy connection")
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(try await blocker.value == .null)
            // The pool is still in order afterwards.
            #expect(try await client.send("PING") == .status("PONG"))
        }
    }

    @Test func callersQueueWhenEveryConnectionIsBusy() async throws {
        try await withRedis(poolSize: 1) { _, client async throws in
            // The only connection blocks for ~1 s; the next caller waits for it instead of failing.
            let blocker = Task { try await client.send("BLPOP", "never", "1") }
            try await Task.sleep(for: .milliseconds(100))
            let (reply, seconds) = try await measure { try await client.send("PING") }
            #expect(reply == .status("PONG"))
            #expect(seconds > 0.5, "PING should have waited for the single busy connection")
            #expect(try await blocker.value == .null)
        }
    }
}
