/// Errors of the job and event protocol.
public enum QueueError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedJob(String)
    case unexpectedReply(String)
    /// The queue refused a job (what `pcsq_enqueue` said: a missing field, a payload over the limit…).
    case refused(String)

    public var description: String {
        switch self {
        case .malformedJob(let reason): "malformed job: \(reason)"
        case .unexpectedReply(let what): "unexpected Redis reply: \(what)"
        case .refused(let reason): "job refused: \(reason)"
        }
    }
}
