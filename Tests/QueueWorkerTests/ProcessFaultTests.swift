import Foundation
import Queue
import Storage
import TestSupport
import Testing

/// Faults with real processes and servers: the queue-worker executable killed with SIGKILL
/// in the middle of a 200-case run, and the run's Postgres restarted under a working
/// worker. Either way every case is stored exactly once, the run is finalized once, and no
/// event is announced twice on its channel.
@Suite(.serialized) struct ProcessFaultTests {
    @Test func aWorkerProcessKilledWithSIGKILLMidRunLosesNothingAndDoublesNothing() async throws {
        let proxy = ScriptedLLMProxy(answered: 10_000, answerDelay: .milliseconds(50))
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let words = (0..<200).map { "w\($0)" }
                let run = try await harness.storedRun(words: words, concurrency: 8)
                try await harness.queue.enqueue(try await harness.jobs(of: run))
                let environment = ["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "8", "STALL_TIMEOUT_SECONDS": "5",
                                   "PORT": String(try FreePort.next()), "LOG_LEVEL": "info"]
                let scratch = ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()
                let worker = try await ManagedProcess.launch(
                    executable: try TestEnvironment.binDirectory() + "/queue-worker", arguments: [],
                    environment: harness.workerEnvironment(environment),
                    logFile: (scratch as NSString).appendingPathComponent("queue-worker-\(UUID().uuidString.prefix(8)).log"))
                try await harness.eventually("the run is well under way") {
                    (try await harness.run(run.id)?.completed ?? 0) >= 40
                }
                worker.send(signal: SIGKILL)
                #expect(await worker.waitForExit(within: .seconds(30)), "the worker died")
                let midway = try #require(try await harness.run(run.id))
                #expect(midway.status == .running && midway.completed < 200, "killed mid-run: \(midway)")
                try await harness.finishAndCheckExactlyOnce(run, total: 200, environment: ["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "8",
                                                                                          "STALL_TIMEOUT_SECONDS": "5"])
                #expect(try await harness.run(run.id)?.passed == 200, "the model always answers: no case errored")
            }
        }
    }

    @Test func aRunSurvivesItsPostgresRestartingMidway() async throws {
        let postgres = try await PostgresServer.start()
        let proxy = ScriptedLLMProxy(answered: 10_000, answerDelay: .milliseconds(100))
        do {
            try await proxy.serve { url in
                try await WorkerHarness.with(postgresURL: postgres.url) { harness in
                    let run = try await harness.storedRun(words: (0..<30).map { "w\($0)" }, concurrency: 4)
                    try await harness.queue.enqueue(try await harness.jobs(of: run))
                    let environment = ["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "4", "STALL_TIMEOUT_SECONDS": "5",
                                       "DATABASE_TIMEOUT_SECONDS": "1"]
                    try await harness.runningWorker(environment) {
                        try await harness.eventually("the run is under way") {
                            (try await harness.run(run.id)?.completed ?? 0) >= 6
                        }
                        // Down for longer than a database call may wait: the calls fail, not just queue.
                        try await postgres.stop()
                        try await Task.sleep(for: .seconds(3))
                        try await postgres.start()
                    }
                    try await harness.finishAndCheckExactlyOnce(run, total: 30, environment: environment)
                    // The outage was felt: jobs that could not record their case were retried.
                    var retried = 0
                    for job in try await harness.jobs(of: run) where try await harness.queue.job(id: job.id)?.errors.isEmpty == false {
                        retried += 1
                    }
                    #expect(retried > 0, "no job met the restart")
                }
            }
        } catch {
            await postgres.remove()
            throw error
        }
        await postgres.remove()
    }
}
