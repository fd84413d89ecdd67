import Events

/// The typed events of stored runs and results: the one place their payloads are built.
extension RunEvent {
    static func queued(_ run: Run) -> RunEvent {
        .runQueued(RunQueued(runID: run.id, cardID: run.cardID, total: run.total, models: run.models))
    }

    static func caseCompleted(_ result: RunResult) -> RunEvent {
        .caseCompleted(CaseCompleted(runID: result.runID, testCaseID: result.testCaseID, resultID: result.id,
                                     model: result.model, repeatIndex: result.repeatIndex, pass: result.pass,
                                     score: result.score, reason: result.reason, latencyMs: result.latencyMs,
                                     cost: result.cost, error: result.error))
    }

    static func progress(_ run: Run) -> RunEvent {
        .runProgress(RunProgress(runID: run.id, completed: run.completed, total: run.total, passed: run.passed,
                                 failed: run.failed, errored: run.errored))
    }

    /// The event that announces a run's final status (`completed`, `cancelled` or `failed`).
    static func finished(_ run: Run) -> RunEvent {
        let summary = RunSummary(runID: run.id, cardID: run.cardID, status: run.status.rawValue, total: run.total,
                                 completed: run.completed, passed: run.passed, failed: run.failed, errored: run.errored,
                                 score: run.score, latencyP50Ms: run.latencyP50Ms, latencyP95Ms: run.latencyP95Ms,
                                 promptTokens: run.promptTokens, completionTokens: run.completionTokens, cost: run.cost,
                                 reason: run.failureReason)
        switch run.status {
        case .cancelled: return .runCancelled(summary)
        case .failed: return .runFailed(summary)
        default: return .runCompleted(summary)
        }
    }
}
