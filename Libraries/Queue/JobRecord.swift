import Foundation

/// Where a job is in its life. `failed` is a failed attempt waiting for its retry; a job
/// that will not be retried is `dead` (in the dead-letter stream, retryable by hand).
public enum JobState: String, Sendable, Codable, CaseIterable {
    case waiting, delayed, active, completed, failed, dead, cancelled

    /// Whether the job has ended (it is only kept for `JOB_RETENTION_SECONDS` more).
    public var isFinal: Bool { self == .completed || self == .dead || self == .cancelled }
}

/// A job as the queue keeps it: what a producer reads to learn what became of its job.
public struct JobRecord: Sendable, Equatable {
    public struct AttemptError: Sendable, Equatable, Codable {
        public var attempt: Int
        public var error: String
        /// Unix ms.
        public var at: Int64
    }

    public var id: String
    public var state: JobState
    public var envelope: JobEnvelope?
    /// The handler's result (JSON text), once completed.
    public var result: String?
    /// Each failed attempt's error, oldest first (the last 20).
    public var errors: [AttemptError]
    public var stalls: Int
    public var finishedAt: Int64?

    init?(id: String, fields: [String: String]) {
        guard let state = fields["state"].flatMap(JobState.init(rawValue:)) else { return nil }
        self.id = id
        self.state = state
        self.envelope = try? JobEnvelope(fields: fields)
        self.result = fields["result"]
        self.errors = fields["errors"].flatMap { try? JSONDecoder().decode([AttemptError].self, from: Data($0.utf8)) } ?? []
        self.stalls = fields["stalls"].flatMap(Int.init) ?? 0
        self.finishedAt = fields["finished_at"].flatMap(Int64.init)
    }
}
