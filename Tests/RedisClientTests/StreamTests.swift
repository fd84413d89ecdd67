import RedisClient
import Testing
import TestSupport

/// The Redis Streams commands the job queue relies on, and the shapes of their replies.
@Suite(.timeLimit(.minutes(1)))
struct StreamTests {
    /// Splits one stream entry `[id, [field, value, ...]]` into its id and fields.
    private func entry(_ value: RESPValue) -> (id: String, fields: [String: String])? {
        guard let parts = value.array, parts.count == 2, let id = parts[0].string, let flat = parts[1].array else {
            return nil
        }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            fields[flat[index].string ?? ""] = flat[index + 1].string
        }
        return (id, fields)
    }

    @Test func addReadAcknowledgeAndAutoclaim() async throws {
        try await withRedis { _, client async throws in
            #expect(try await client.send("XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM") == .status("OK"))
            let groupAgain = await serverErrorMessage {
                try await client.send("XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM")
            }
            #expect(groupAgain?.hasPrefix("BUSYGROUP") == true)

            let firstID = try #require(try await client.send("XADD", "jobs", "*", "kind", "render", "card", "42").string)
            let secondID = try #require(try await client.send("XADD", "jobs", "*", "kind", "email").string)
            #expect(firstID.contains("-") && secondID.contains("-") && firstID != secondID)

            // XREADGROUP reply: [[stream, [[id, [field, value, ...]], ...]]]
            let read = try await client.send(
                "XREADGROUP", "GROUP", "workers", "alice", "COUNT", "1", "BLOCK", "1000", "STREAMS", "jobs", ">")
            let streams = try #require(read.array)
            #expect(streams.count == 1)
            let stream = try #require(streams[0].array)
            #expect(stream[0] == .bulk("jobs"))
            let entries = try #require(stream[1].array)
            #expect(entries.count == 1)
            let first = try #require(entry(entries[0]))
            #expect(first.id == firstID)
            #expect(first.fields == ["kind": "render", "card": "42"])

            #expect(try await client.send("XACK", "jobs", "workers", firstID) == .integer(1))
            #expect(try await client.send("XACK", "jobs", "workers", firstID) == .integer(0))

            // Bob reads the second entry and never acknowledges it...
            let bobRead = try await client.send(
                "XREADGROUP", "GROUP", "workers", "bob", "COUNT", "10", "BLOCK", "1000", "STREAMS", "jobs", ">")
            let bobEntries = try #require(bobRead.array?.first?.array?[1].array)
            #expect(bobEntries.compactMap { entry($0)?.id } == [secondID])

            // ...so Carol claims it. XAUTOCLAIM reply (Redis 7): [next-cursor, [entries], [deleted ids]]
            let claim = try await client.send("XAUTOCLAIM", "jobs", "workers", "carol", "0", "0-0", "COUNT", "10")
            let parts = try #require(claim.array)
            #expect(parts.count == 3)
            #expect(parts[0] == .bulk("0-0"))
            let claimed = try #require(parts[1].array)
            let claimedEntry = try #require(entry(claimed[0]))
            #expect(claimed.count == 1)
            #expect(claimedEntry.id == secondID)
            #expect(claimedEntry.fields == ["kind": "email"])
            #expect(parts[2] == .array([]))

            // Carol now owns it in the pending list.
            let pending = try await client.send("XPENDING", "jobs", "workers", "-", "+", "10")
            let pendingEntry = try #require(pending.array?.first?.array)
            #expect(pendingEntry[0] == .bulk(secondID))
            #expect(pendingEntry[1] == .bulk("carol"))
            #expect(try await client.send("XACK", "jobs", "workers", secondID) == .integer(1))
        }
    }

    @Test func blockingReadReturnsAnEntryAddedWhileWaiting() async throws {
        try await withRedis { _, client async throws in
            _ = try await client.send("XGROUP", "CREATE", "events", "readers", "$", "MKSTREAM")
            let reader = Task {
                try await client.send("XREADGROUP", "GROUP", "readers", "r1", "BLOCK", "5000", "STREAMS", "events", ">")
            }
            try await Task.sleep(for: .milliseconds(200))
            let id = try #require(try await client.send("XADD", "events", "*", "n", "1").string)
            let (reply, seconds) = try await measure { try await reader.value }
            let entryID = reply.array?.first?.array?[1].array?.first?.array?.first
            #expect(entryID == .bulk(id))
            #expect(seconds < 3)
        }
    }
}
