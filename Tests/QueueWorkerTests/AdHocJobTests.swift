import Foundation
import PromptCards
import Queue
import Testing

/// A `test-case.execute` job without a run: the worker grades the case and the graded result
/// is the job's result, for the producer to read; a payload that could never be graded is
/// dead-lettered with the field at fault.
@Suite(.serialized) struct AdHocJobTests {
    @Test func anAdHocCaseIsGradedAndTheGradeIsTheJobsResult() async throws {
        let proxy = ScriptedLLMProxy(answered: 10)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let passing = AdHocTestCaseJob(
                    template: "Say {{word}}", vars: ["word": .string("hello")],
                    assert: [Assertion(type: "contains", value: .string("hello")),
                             Assertion(type: "icontains", value: .string("THERE"))],
                    model: "smollm2")
                let failing = AdHocTestCaseJob(template: "Say goodbye",
                                               assert: [Assertion(type: "contains", value: .string("goodbye"))],
                                               model: "smollm2")
                try await harness.queue.enqueue([try passing.envelope(id: "passing"), try failing.envelope(id: "failing")])
                try await harness.runningWorker(["LLM_PROXY_URL": url]) {
                    try await harness.eventually("both are graded") {
                        let states = try await [harness.queue.job(id: "passing")?.state, harness.queue.job(id: "failing")?.state]
                        return states == [.completed, .completed]
                    }
                }
                let pass = try await Self.result(of: "passing", harness)
                #expect(pass.pass && pass.score == 1 && pass.error == nil, "\(pass)")
                #expect(pass.prompt == "Say hello" && pass.output == "hello there", "\(pass)")
                #expect(pass.grading?.componentResults?.count == 2 && pass.promptTokens == 3, "\(pass)")
                let fail = try await Self.result(of: "failing", harness)
                #expect(!fail.pass && fail.error == nil && fail.reason.contains("goodbye"), "\(fail)")
            }
        }
    }

    @Test func aPayloadThatCouldNeverBeGradedIsDeadLetteredWithTheFieldAtFault() async throws {
        let proxy = ScriptedLLMProxy(answered: 10)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let unknownAssertion = AdHocTestCaseJob(template: "Hi", assert: [Assertion(type: "no-such-check")],
                                                        model: "smollm2")
                let noModel = JobEnvelope(id: "no-model", type: ExecuteTestCaseJob.type, payload: #"{"prompt":"Hi"}"#)
                try await harness.queue.enqueue([try unknownAssertion.envelope(id: "unknown-assertion"), noModel])
                try await harness.runningWorker(["LLM_PROXY_URL": url]) {
                    try await harness.eventually("both are dead-lettered") {
                        try await harness.queue.deadLetters(after: "0").count == 2
                    }
                }
                let reasons = Dictionary(uniqueKeysWithValues: try await harness.queue.deadLetters(after: "0").compactMap { letter in
                    letter.envelope.map { ($0.id, letter.error) }
                })
                #expect(reasons["unknown-assertion"]?.contains("assert[0].type") == true, "\(reasons)")
                #expect(reasons["no-model"]?.contains("missing field \"model\"") == true, "\(reasons)")
                #expect(proxy.callCount == 0, "the model was asked \(proxy.callCount) times")
                #expect(try await harness.queue.job(id: "no-model")?.envelope?.attempt == 1, "dead at once, no retries")
            }
        }
    }

    static func result(of id: String, _ harness: WorkerHarness) async throws -> AdHocTestCaseResult {
        let text = try #require(try await harness.queue.job(id: id)?.result, "job \(id) has a result")
        return try JSONDecoder().decode(AdHocTestCaseResult.self, from: Data(text.utf8))
    }
}
