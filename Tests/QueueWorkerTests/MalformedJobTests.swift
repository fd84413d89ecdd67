import Foundation
import Queue
import Testing

/// Entries pushed by hand that are not jobs the worker can run end in the dead letters with
/// the reason, and the worker goes on with the real work.
@Suite(.serialized) struct MalformedJobTests {
    @Test func unknownTypesAndBadPayloadsAreDeadLetteredWithTheReasonAndTheWorkerGoesOn() async throws {
        let proxy = ScriptedLLMProxy(answered: 100)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let intake = harness.queue.base + ":intake"
                _ = try await harness.redis.send(["XADD", intake, "*", "id", "odd-type", "type", "no.such-type", "payload", "{}"])
                _ = try await harness.redis.send(["XADD", intake, "*", "id", "bad-json", "type", "test-case.execute",
                                                  "payload", "{not json"])
                _ = try await harness.redis.send(["XADD", intake, "*", "id", "no-payload", "type", "test-case.execute"])
                let run = try await harness.storedRun()
                try await harness.queue.enqueue(try await harness.job(of: run))
                try await harness.runningWorker(["LLM_PROXY_URL": url]) {
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.passed == 1, "\(final)")
                    try await harness.eventually("the three are dead-lettered") {
                        try await harness.queue.deadLetters(after: "0").count == 3
                    }
                }
                let letters = try await harness.queue.deadLetters(after: "0")
                let reasons = Dictionary(uniqueKeysWithValues: letters.compactMap { letter in
                    letter.envelope.map { ($0.id, letter.error) } ?? ("no-payload", letter.error)
                })
                #expect(reasons["odd-type"]?.contains("unknown job type") == true, "\(reasons)")
                #expect(reasons["bad-json"]?.contains("invalid payload") == true, "\(reasons)")
                #expect(letters.contains { $0.error.contains("missing field \"payload\"") }, "\(reasons)")
            }
        }
    }
}
