import Foundation
import Queue
import RunJobs
import Storage
import Testing

/// `run.start` jobs start runs of stored cards as the API does, exactly once per job (or
/// idempotency key), and what could never start is dead-lettered with the reason.
@Suite(.serialized) struct RunStartJobTests {
    struct Started: Decodable {
        let run_id: UUID
        let status: String
        let replayed: Bool
    }

    @Test func aRunStartJobStartsOneRunOfTheCardWhoseCasesThenRun() async throws {
        let proxy = ScriptedLLMProxy(answered: 100)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let card = try await harness.storedCard(words: ["hello", "hello", "hello"])
                let start = StartRunJob(cardID: card.id, options: .init(concurrency: 2))
                try await harness.queue.enqueue(try start.envelope(id: "start-1", owner: card.ownerID))
                // The same key twice: the second finds the first one's run.
                let keyed = StartRunJob(cardID: card.id, idempotencyKey: "nightly-42")
                try await harness.queue.enqueue([try keyed.envelope(id: "start-2"), try keyed.envelope(id: "start-3")])
                #expect(try await harness.queue.enqueue(try start.envelope(id: "start-1")) == .duplicate(.waiting))
                try await harness.runningWorker(["LLM_PROXY_URL": url]) {
                    try await harness.eventually("the three are done") {
                        var states: [JobState?] = []
                        for id in ["start-1", "start-2", "start-3"] { states.append(try await harness.queue.job(id: id)?.state) }
                        return states == [.completed, .completed, .completed]
                    }
                    let first = try await Self.started("start-1", harness)
                    #expect(!first.replayed && first.status == "queued", "\(first)")
                    let run = try await harness.finished(first.run_id)
                    #expect(run.status == .completed && run.passed == 3 && run.concurrency == 2, "\(run)")
                    #expect(run.ownerID == card.ownerID && run.cardID == card.id && run.models == ["smollm2"], "\(run)")
                    let (second, third) = (try await Self.started("start-2", harness), try await Self.started("start-3", harness))
                    #expect(second.run_id == third.run_id && second.replayed != third.replayed, "\(second) \(third)")
                    _ = try await harness.finished(second.run_id)
                }
                #expect(proxy.callCount == 6, "3 cases in each of the 2 runs; asked \(proxy.callCount) times")
            }
        }
    }

    @Test func aRunStartJobThatCouldNeverStartIsDeadLetteredWithTheReason() async throws {
        try await WorkerHarness.with { harness in
            let card = try await harness.storedCard()
            let stranger = UUID()
            try await harness.queue.enqueue([
                try StartRunJob(cardID: UUID()).envelope(id: "no-card"),
                try StartRunJob(cardID: card.id).envelope(id: "not-yours", owner: stranger),
                try StartRunJob(cardID: card.id, options: .init(concurrency: 500)).envelope(id: "too-concurrent"),
                JobEnvelope(id: "no-card-id", type: StartRunJob.type, payload: #"{"models":["smollm2"]}"#),
            ])
            try await harness.runningWorker(["LLM_PROXY_URL": "http://127.0.0.1:9"]) {
                try await harness.eventually("all four are dead-lettered") {
                    try await harness.queue.deadLetters(after: "0").count == 4
                }
            }
            let reasons = Dictionary(uniqueKeysWithValues: try await harness.queue.deadLetters(after: "0").compactMap { letter in
                letter.envelope.map { ($0.id, letter.error) }
            })
            #expect(reasons["no-card"]?.contains("not found") == true, "\(reasons)")
            #expect(reasons["not-yours"]?.contains("not found among the owner's cards") == true, "\(reasons)")
            #expect(reasons["too-concurrent"]?.contains("concurrency: must be from 1 to 50") == true, "\(reasons)")
            #expect(reasons["no-card-id"]?.contains("missing field \"card_id\"") == true, "\(reasons)")
        }
    }

    static func started(_ id: String, _ harness: WorkerHarness) async throws -> Started {
        let text = try #require(try await harness.queue.job(id: id)?.result, "job \(id) has a result")
        return try JSONDecoder().decode(Started.self, from: Data(text.utf8))
    }
}
