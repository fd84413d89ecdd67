/// The names of the events the suite publishes, one per case of `RunEvent`.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case runQueued = "run.queued"
    case runStarted = "run.started"
    case caseCompleted = "case.completed"
    case runProgress = "run.progress"
    case runCompleted = "run.completed"
    case runCancelled = "run.cancelled"
    case runFailed = "run.failed"
}
