/// Errors of the job and event protocol.
public enum QueueError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedJob(String)
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .malformedJob(let reason): "malformed job: \(reason)"
        case .unexpectedReply(let what): "unexpected Redis reply: \(what)"
        }
    }
}
