import Foundation
import PromptCards
import Queue
import Storage

/// The events a run's progress produces, on `run:{id}` (and the final one on `card:{id}`).
struct RunProgressPublisher: Sendable {
    let events: EventBus

    func runStarted(_ runID: UUID) async throws {
        try await events.publish(channel: EventChannel.run(runID), type: EventType.runStarted,
                                 data: .object(["run_id": .string(runID.uuidString.lowercased()), "status": "running"]))
    }

    func caseCompleted(_ result: RunResult, tally: RunLedger.Progress) async throws {
        let channel = EventChannel.run(result.runID)
        var caseData: [String: JSONValue] = [
            "run_id": .string(result.runID.uuidString.lowercased()),
            "test_case_id": .string(result.testCaseID.uuidString.lowercased()),
            "result_id": .string(result.id.uuidString.lowercased()),
            "model": .string(result.model), "repeat_index": .number(Double(result.repeatIndex)),
            "pass": .bool(result.pass), "score": .number(result.score), "reason": .string(result.reason),
        ]
        if let latency = result.latencyMs { caseData["latency_ms"] = .number(Double(latency)) }
        if let error = result.error { caseData["error"] = .string(error) }
        try await events.publish(channel: channel, type: EventType.caseCompleted, data: .object(caseData))
        try await events.publish(channel: channel, type: EventType.runProgress, data: .object([
            "run_id": .string(result.runID.uuidString.lowercased()),
            "completed": .number(Double(tally.completed)), "total": .number(Double(tally.total)),
            "passed": .number(Double(tally.passed)), "failed": .number(Double(tally.failed)),
            "errored": .number(Double(tally.errored)),
        ]))
    }

    func runCompleted(_ run: Run) async throws {
        var data: [String: JSONValue] = [
            "run_id": .string(run.id.uuidString.lowercased()), "status": .string(run.status.rawValue),
            "total": .number(Double(run.total)), "passed": .number(Double(run.passed)),
            "failed": .number(Double(run.failed)), "errored": .number(Double(run.errored)),
            "prompt_tokens": .number(Double(run.promptTokens)), "completion_tokens": .number(Double(run.completionTokens)),
            "cost": .number(run.cost),
        ]
        if let score = run.score { data["score"] = .number(score) }
        if let p50 = run.latencyP50Ms { data["latency_p50_ms"] = .number(p50) }
        if let p95 = run.latencyP95Ms { data["latency_p95_ms"] = .number(p95) }
        try await events.publish(channel: EventChannel.run(run.id), type: EventType.runCompleted, data: .object(data))
        try await events.publish(channel: EventChannel.card(run.cardID), type: EventType.runCompleted, data: .object(data))
    }
}
