import Foundation
import Queue
import Storage
import Testing

/// A worker that dies mid-run (stopped hard: no job finished, none handed back) leaves its
/// jobs to their leases; another worker finishes the run, and every case is stored once, the
/// run finalized once, and no event is announced twice.
@Suite(.serialized) struct WorkerCrashTests {
    @Test func aRunSurvivesItsWorkerDyingMidwayWithEveryCaseStoredAndAnnouncedOnce() async throws {
        let proxy = ScriptedLLMProxy(answered: 10_000, answerDelay: .milliseconds(100))
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let words = (0..<40).map { "w\($0)" }
                let run = try await harness.storedRun(words: words, concurrency: 8)
                try await harness.queue.enqueue(try await harness.jobs(of: run))
                let environment = ["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "4", "STALL_TIMEOUT_SECONDS": "5"]
                // The first worker is cut off hard once it is well into the run.
                try await harness.runningWorker(environment) {
                    try await harness.eventually("the run is under way") {
                        (try await harness.run(run.id)?.completed ?? 0) >= 8
                    }
                }
                let midway = try #require(try await harness.run(run.id))
                #expect(midway.status == .running && midway.completed < 40, "\(midway)")
                try await harness.finishAndCheckExactlyOnce(run, total: 40, environment: environment)
                #expect(try await harness.run(run.id)?.passed == 40)
            }
        }
    }
}
