import Foundation
import TestSupport
import Testing

/// Producers as their users write them: any program with a Redis client pushes jobs on the
/// documented protocol (docs/QUEUE.md) and gets their results, against the whole suite as
/// processes with the real LLM. `examples/producer.py` runs as shipped, on redis-py from PyPI.
@Suite(.serialized) struct ProducerEndToEndTests {
    @Test func aProducerPushesJobsWithPlainRedisAndGetsTheirResults() async throws {
        try await TestDatabase.with { _, databaseURL in
            let suite = try await SuiteProcesses.start(databaseURL: databaseURL)
            do {
                try await gradeAnAdHocCaseWithTheExampleProducer(suite)
            } catch {
                await suite.stop()
                throw error
            }
            await suite.stop()
        }
    }

    /// The example enqueues an ad-hoc case and waits on the events stream; its output is the
    /// job's final event with the graded result.
    func gradeAnAdHocCaseWithTheExampleProducer(_ suite: SuiteProcesses) async throws {
        let output = try await ShellCommand.run(try TestEnvironment.clientsPython(), [
            TestEnvironment.repositoryRoot() + "/examples/producer.py",
            "--redis", try #require(suite.environment["REDIS_URL"]),
            "--prefix", try #require(suite.environment["REDIS_KEY_PREFIX"]),
            "--prompt", "What is the capital of {{country}}? Answer in one word.", "--var", "country=France",
            "--assert", #"{"type": "icontains", "value": "paris"}"#,
            "--assert", #"{"type": "regex", "value": "[A-Za-z]+"}"#,
            "--timeout", "900",
        ])
        let event = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(event["event"] as? String == "completed", "\(output)")
        let result = try #require(event["result"] as? [String: Any], "\(output)")
        #expect(result["prompt"] as? String == "What is the capital of France? Answer in one word.", "\(output)")
        #expect(result["error"] is NSNull, "\(output)")
        let graded = try #require(result["grading"] as? [String: Any], "\(output)")
        #expect((graded["componentResults"] as? [Any])?.count == 2, "\(output)")
        #expect((result["output"] as? String)?.lowercased().contains("paris") == true, "\(output)")
        #expect(result["pass"] as? Bool == true, "\(output)")
    }
}
