import ServiceKit
import Testing

@Suite struct ExpiringCacheTests {
    @Test func entriesExpire() async throws {
        let cache = ExpiringCache<String, Int?>(ttl: .milliseconds(50), capacity: 10)
        cache.insert(1, for: "a")
        cache.insert(nil, for: "unknown")
        #expect(cache.value(for: "a") == .some(1))
        #expect(cache.value(for: "unknown") == .some(nil), "a remembered 'no' is a hit")
        #expect(cache.value(for: "b") == nil)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.value(for: "a") == nil)
    }

    @Test func whenFullNewEntriesWaitForOldOnesToExpire() async throws {
        let cache = ExpiringCache<Int, Int>(ttl: .milliseconds(50), capacity: 3)
        for key in 0..<3 { cache.insert(key, for: key) }
        cache.insert(3, for: 3)
        #expect((0..<3).allSatisfy { cache.value(for: $0) != nil } && cache.value(for: 3) == nil,
                "answers in use are not pushed out")
        try await Task.sleep(for: .milliseconds(80))
        cache.insert(3, for: 3)
        #expect(cache.value(for: 3) == 3, "expired entries make room")
    }
}
