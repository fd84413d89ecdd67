import Foundation
import Queue
import Testing

/// How a job answers a model that says no: a 408 is tried again (an attempt spent), a 429
/// with `Retry-After` is deferred as long as it asked without spending one, and "never"
/// (any other 4xx) errors the case at once, without spending the attempts left.
@Suite(.serialized) struct ModelRefusalTests {
    @Test func aTimeoutIsRetriedAndARateLimitDeferredNoSoonerThanItsRetryAfterWithoutSpendingAnAttempt() async throws {
        let proxy = ScriptedLLMProxy(answered: 10, refusals: [.init(status: 408), .init(status: 429, retryAfter: "2")])
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun()
                let job = try await harness.job(of: run)
                let final = try await harness.runToEnd(run, job: job, environment: ["LLM_PROXY_URL": url])
                #expect(final.status == .completed && final.passed == 1, "\(final)")
                let calls = proxy.callInstants
                try #require(calls.count == 3, "asked \(calls.count) times")
                #expect(calls[2] - calls[1] >= .seconds(2), "the rate-limited retry came \(calls[2] - calls[1]) later")
                let record = try #require(try await harness.queue.job(id: job.id))
                #expect(record.state == .completed && record.envelope?.attempt == 2, "the 429 spent no attempt: \(record)")
                #expect(record.errors.count == 1 && record.errors[0].error.contains("408"), "\(record.errors)")
                let events = try await harness.redis.send(["XRANGE", harness.queue.base + ":events", "-", "+"]).array ?? []
                #expect(events.contains { "\($0)".contains("deferred") }, "the deferral is an event")
            }
        }
    }

    @Test func aRequestTheModelRefusesErrorsTheCaseWithoutAnotherAttempt() async throws {
        let proxy = ScriptedLLMProxy(answered: 10, refusals: [.init(status: 400)])
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun()
                let job = try await harness.job(of: run)
                let final = try await harness.runToEnd(run, job: job, environment: ["LLM_PROXY_URL": url])
                #expect(final.status == .completed && final.errored == 1, "\(final)")
                #expect(proxy.callCount == 1, "asked \(proxy.callCount) times")
                let result = try #require(try await harness.results(run.id).first)
                #expect(result.error?.contains("400") == true, "\(result.error ?? "no error")")
                let record = try #require(try await harness.queue.job(id: job.id))
                #expect(record.state == .completed && record.envelope?.attempt == 1, "\(record)")
            }
        }
    }
}
