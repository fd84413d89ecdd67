import EventStreams
import Foundation
import Queue
import Storage
import TestSupport
import Testing

/// Redis restarted under a running worker (AOF on, fsync always, as production runs it):
/// the worker reconnects and goes on claiming, the run completes, and nothing is lost or
/// done twice. BullMQ users' most filed complaint is workers that stop after a reconnect.
@Suite(.serialized) struct RedisRestartTests {
    @Test func aWorkerKeepsGoingThroughARedisRestartAndTheRunCompletesWithNothingLostOrDoubled() async throws {
        let server = try await RedisServer.start(persistent: true)
        let proxy = ScriptedLLMProxy(answered: 10_000, answerDelay: .milliseconds(100))
        try await proxy.serve { url in
            try await WorkerHarness.with(redisURL: server.url) { harness in
                let words = (0..<30).map { "w\($0)" }
                let run = try await harness.storedRun(words: words, concurrency: 4)
                try await harness.queue.enqueue(try await harness.jobs(of: run))
                let bus = EventBus(redis: harness.redis, keys: harness.keys)
                let channel = "run:\(run.id.uuidString.lowercased())"
                try await harness.runningWorker(["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "4", "STALL_TIMEOUT_SECONDS": "5"]) {
                    try await harness.eventually("the run is under way") {
                        (try await harness.run(run.id)?.completed ?? 0) >= 6
                    }
                    try await server.restart()
                    let midway = try #require(try await harness.run(run.id))
                    #expect(midway.completed < 30, "restarted mid-run: \(midway)")
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.completed == 30 && final.passed == 30, "\(final)")
                    try await harness.eventually("run.completed is announced") {
                        try await bus.history(channel: channel, after: "0").contains { $0.type == "run.completed" }
                    }
                    // Still claiming after the restart: a job enqueued now is run too.
                    let late = try await harness.storedRun(words: ["hello"])
                    try await harness.queue.enqueue(try await harness.jobs(of: late))
                    #expect(try await harness.finished(late.id).passed == 1)
                }
                try await harness.checkExactlyOnce(run, total: 30)
                #expect(proxy.callCount >= 30 && proxy.callCount <= 30 + 4, "at most the jobs in flight at the restart ran twice: \(proxy.callCount)")
            }
        }
        await server.stop()
    }
}
