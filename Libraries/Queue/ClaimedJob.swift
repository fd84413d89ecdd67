/// A job handed to one worker. Until it is completed or failed it stays `active`, held by a
/// lease the worker's heartbeat extends; the `token` fences it, so a worker whose lease ran
/// out (and whose job went to another) can no longer complete or fail it.
public struct ClaimedJob: Sendable, Equatable {
    public let id: String
    /// This delivery's lease token.
    public let token: String
    /// The decoded job, or the reason it could not be decoded.
    public let envelope: Result<JobEnvelope, QueueError>
    /// How many earlier deliveries ended with the worker gone silent.
    public let stalls: Int

    public init(id: String, token: String, envelope: Result<JobEnvelope, QueueError>, stalls: Int = 0) {
        self.id = id
        self.token = token
        self.envelope = envelope
        self.stalls = stalls
    }
}
