import Foundation
import PromptCards
import Queue
import Storage
import TestSupport
import Testing

/// A job can neither run forever nor kill workers forever: past its deadline or its stalls it
/// ends, its case is errored with the budget's name, and its run still finishes.
@Suite(.serialized) struct JobBudgetTests {
    @Test func aJobWhoseModelNeverAnswersEndsAtItsDeadlineAndTheRunFinishes() async throws {
        let proxy = ScriptedLLMProxy(answered: 0)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun()
                try await harness.queue.enqueue(try await harness.job(of: run))
                let started = ContinuousClock.now
                try await harness.runningWorker([
                    // A lease far longer than the deadline: on a loaded machine a late heartbeat
                    // must not hand the job to the second consumer, which would ask again.
                    "LLM_PROXY_URL": url, "JOB_DEADLINE_SECONDS": "5", "LLM_TIMEOUT_SECONDS": "3600",
                    "STALL_TIMEOUT_SECONDS": "60",
                ]) {
                    let final = try await harness.finished(run.id)
                    let elapsed = ContinuousClock.now - started
                    #expect(final.status == .completed && final.errored == 1, "\(final)")
                    #expect(elapsed >= .seconds(5), "not before the deadline")
                    let result = try #require(try await harness.results(run.id).first)
                    #expect(result.error?.contains("JOB_DEADLINE_SECONDS") == true, "\(result.error ?? "no error")")
                    // The job is acknowledged just after its case is recorded (which finished the run).
                    try await harness.eventually("the job is acknowledged") { try await harness.queue.depth().active == 0 }
                }
                // Asked at most once (on a loaded machine the deadline may even come before the
                // call does): the deadline ends the job, it does not retry a hung call.
                #expect(proxy.callCount <= 1, "asked \(proxy.callCount) times")
                #expect(try await harness.queue.depth().active == 0, "the job was acknowledged")
            }
        }
    }

    @Test func aPromptThatWouldRenderPastItsBudgetIsAnErroredCaseAndTheModelIsNotAsked() async throws {
        // 20,000 × a 100 KB variable would be 2 GB; the worker that rendered it used to die,
        // and so did every worker the job was handed to next.
        let proxy = ScriptedLLMProxy(answered: 100)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun(template: String(repeating: "{{word}}", count: 20_000),
                                                      words: [String(repeating: "x", count: 100_000)])
                try await harness.queue.enqueue(try await harness.job(of: run))
                try await harness.runningWorker(["LLM_PROXY_URL": url]) {
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.errored == 1, "\(final)")
                    let result = try #require(try await harness.results(run.id).first)
                    #expect(result.error?.contains("MAX_RENDERED_PROMPT_BYTES") == true, "\(result.error ?? "no error")")
                    try await harness.eventually("the job is acknowledged") { try await harness.queue.depth().active == 0 }
                }
                #expect(proxy.callCount == 0)
                #expect(try await harness.queue.depth().active == 0, "acknowledged, not retried")
            }
        }
    }

    @Test func gradingThatNeverAnswersEndsAtTheGradingDeadline() async throws {
        // The answer comes at once; the llm-rubric grader's call then hangs.
        let proxy = ScriptedLLMProxy(answered: 1)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun(assert: [Assertion(type: "llm-rubric", value: .string("is polite"))])
                try await harness.queue.enqueue(try await harness.job(of: run))
                try await harness.runningWorker([
                    "LLM_PROXY_URL": url, "GRADING_DEADLINE_SECONDS": "2", "LLM_TIMEOUT_SECONDS": "3600",
                ]) {
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.errored == 1, "\(final)")
                    let result = try #require(try await harness.results(run.id).first)
                    #expect(result.error?.contains("GRADING_DEADLINE_SECONDS") == true, "\(result.error ?? "no error")")
                    #expect(result.prompt == "Say hello")
                }
                #expect(proxy.callCount == 2)
            }
        }
    }

    @Test func aJobThatKeepsStallingIsDeadLetteredWithoutBeingRunAgain() async throws {
        let proxy = ScriptedLLMProxy(answered: 100)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun()
                let envelope = try await harness.job(of: run)
                try await harness.queue.enqueue(envelope)
                // A worker took it and died; so did the two that took it over after it: each
                // lease ran out, and MAX_STALLS=2 are used up.
                for _ in 0..<3 {
                    _ = try #require(try await harness.queue.claim(worker: "ghost", lease: .milliseconds(20), maxStalls: 2).first)
                    try await Task.sleep(for: .milliseconds(60))
                }
                try await harness.runningWorker(["LLM_PROXY_URL": url, "STALL_TIMEOUT_SECONDS": "5", "MAX_STALLS": "2"]) {
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.errored == 1, "\(final)")
                    let result = try #require(try await harness.results(run.id).first)
                    #expect(result.error?.contains("MAX_STALLS") == true, "\(result.error ?? "no error")")
                }
                #expect(proxy.callCount == 0, "a poison job is not run a fourth time")
                #expect(try await harness.queue.deadLetters(after: "0").count == 1)
                #expect(try await harness.queue.depth().active == 0)
            }
        }
    }

    @Test func aJobThatStalledFewerTimesThanItsBudgetRunsNormally() async throws {
        let proxy = ScriptedLLMProxy(answered: 100)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun()
                try await harness.queue.enqueue(try await harness.job(of: run))
                _ = try #require(try await harness.queue.claim(worker: "ghost", lease: .milliseconds(20), maxStalls: 2).first)
                try await harness.runningWorker(["LLM_PROXY_URL": url, "STALL_TIMEOUT_SECONDS": "5", "MAX_STALLS": "2"]) {
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.passed == 1, "\(final)")
                }
                #expect(proxy.callCount == 1)
            }
        }
    }
}
