import Foundation
import Queue
import Storage
import Testing

/// Running jobs stop when they are cancelled, and a worker shutting down hands back what it
/// could not finish instead of leaving it to a lease running out.
@Suite(.serialized) struct JobCancellationTests {
    @Test func aRunningJobStopsWithinASecondOfItsCancel() async throws {
        let proxy = ScriptedLLMProxy(answered: 0)  // the model never answers
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun(words: ["a", "b", "c"])
                let jobs = try await harness.jobs(of: run)
                try await harness.queue.enqueue(jobs)
                try await harness.runningWorker(["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "1"]) {
                    try await harness.eventually("the first job waits on the model") {
                        try await harness.queue.job(id: jobs[0].id)?.state == .active && proxy.callCount == 1
                    }
                    let cancelled = ContinuousClock.now
                    #expect(try await harness.queue.cancel(jobID: jobs[0].id) == .cancelling)
                    try await harness.eventually("the job is cancelled", within: .seconds(30)) {
                        try await harness.queue.job(id: jobs[0].id)?.state == .cancelled
                    }
                    let took = ContinuousClock.now - cancelled
                    // Typically a few ms (a PUBLISH to the worker's subscriber); the bound
                    // leaves room for a loaded machine and still tells it from a lease expiring.
                    #expect(took < .seconds(2), "stopped \(took) after the cancel")
                    // The worker is free again: it takes the next job.
                    try await harness.eventually("the next job runs") {
                        try await harness.queue.job(id: jobs[1].id)?.state == .active
                    }
                }
                #expect(try await harness.results(run.id).isEmpty, "a stopped job records nothing")
            }
        }
    }

    @Test func cancellingARunStopsItsRunningJobsAndWithdrawsTheRest() async throws {
        let proxy = ScriptedLLMProxy(answered: 0)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun(words: ["a", "b", "c", "d", "e"], concurrency: 2)
                let jobs = try await harness.jobs(of: run)
                try await harness.queue.enqueue(jobs)
                try await harness.runningWorker(["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "2"]) {
                    try await harness.eventually("two jobs wait on the model") { proxy.callCount == 2 }
                    _ = try await RunStore(client: harness.database, logger: WorkerHarness.logger).cancel(id: run.id, ownerID: nil)
                    let outcome = try await harness.queue.cancelGroup(ExecuteTestCaseJob.group(ofRun: run.id))
                    #expect(outcome.cancelled == 3 && outcome.cancelling == 2, "\(outcome)")
                    try await harness.eventually("every job is cancelled", within: .seconds(30)) {
                        var states: [JobState?] = []
                        for job in jobs { states.append(try await harness.queue.job(id: job.id)?.state) }
                        return states.allSatisfy { $0 == .cancelled }
                    }
                    #expect(try await harness.queue.depth().active == 0)
                }
                #expect(try await harness.run(run.id)?.status == .cancelled)
                #expect(proxy.callCount == 2, "the withdrawn jobs never reached the model")
            }
        }
    }

    @Test func aWorkerStoppedGracefullyHandsBackTheJobItCouldNotFinish() async throws {
        let proxy = ScriptedLLMProxy(answered: 0)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun()
                let job = try await harness.job(of: run)
                try await harness.queue.enqueue(job)
                let stop = try await harness.runningWorkerStoppedGracefully(
                    ["LLM_PROXY_URL": url, "SHUTDOWN_GRACE_SECONDS": "1", "STALL_TIMEOUT_SECONDS": "600"]) {
                    try await harness.eventually("the job waits on the model") { proxy.callCount == 1 }
                }
                #expect(stop < .seconds(30), "the worker exited \(stop) after SIGTERM")
                let record = try #require(try await harness.queue.job(id: job.id))
                #expect(record.state == .waiting && record.stalls == 0, "handed back, not left to its 600 s lease: \(record)")
                #expect(record.envelope?.attempt == 1, "a hand-back is not a failed attempt")
                // Another worker takes it at once.
                let next = try await harness.queue.claim(worker: "next", lease: .seconds(30), maxStalls: 2)
                #expect(next.map(\.id) == [job.id])
            }
        }
    }

    @Test func aRunNeverHasMoreJobsRunningThanItsConcurrencyWhateverTheWorkers() async throws {
        let proxy = ScriptedLLMProxy(answered: 100, answerDelay: .milliseconds(300))
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun(words: ["a", "b", "c", "d", "e", "f"], concurrency: 1)
                try await harness.queue.enqueue(try await harness.jobs(of: run))
                try await harness.runningWorker(["LLM_PROXY_URL": url, "WORKER_CONCURRENCY": "3"]) {
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.completed == 6, "\(final)")
                }
                #expect(proxy.callCount == 6)
                #expect(proxy.mostConcurrentCalls == 1, "the run's concurrency is 1, on a worker of 3")
            }
        }
    }
}
