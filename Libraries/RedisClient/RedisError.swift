/// What can go wrong talking to Redis; callers decide on retry vs. report by the case.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached or the connection broke (refused, reset, EOF, timeout).
    /// Worth retrying later: the client reconnects by itself on the next call.
    case connection(String)
    /// The server answered with an error reply (e.g. `WRONGTYPE`, `ERR value is not an integer`).
    case server(String)
    /// The reply could not be parsed or the request was malformed before it was sent.
    case protocolError(String)
    /// The client or subscriber was shut down; no further calls are accepted.
    case closed

    /// A one-line message suitable for logs.
    public var description: String {
        switch self {
        case .connection(let reason): return "Redis connection error: \(reason)"
        case .server(let message): return "Redis server error: \(message)"
        case .protocolError(let reason): return "Redis protocol error: \(reason)"
        case .closed: return "Redis client is closed"
        }
    }
}
