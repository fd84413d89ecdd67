/// A job handed to one consumer. Until it is completed or failed it stays pending in the
/// consumer group, so a crashed worker's jobs can be reclaimed.
public struct ClaimedJob: Sendable, Equatable {
    /// The stream entry id (what XACK takes).
    public let streamID: String
    /// The decoded job, or the reason the entry could not be decoded.
    public let envelope: Result<JobEnvelope, QueueError>
    /// How many times the group has delivered this entry (1 on first delivery).
    public let deliveries: Int
    /// How many earlier deliveries ended with the worker gone silent (a reclaimed job's).
    public var stalls: Int { deliveries - 1 }

    public init(streamID: String, envelope: Result<JobEnvelope, QueueError>, deliveries: Int = 1) {
        self.streamID = streamID
        self.envelope = envelope
        self.deliveries = deliveries
    }
}
