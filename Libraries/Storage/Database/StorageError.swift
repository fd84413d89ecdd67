/// Storage failures that callers act on (the rest are infrastructure errors).
public enum StorageError: Error, Equatable, Sendable {
    /// A unique constraint rejected the row (e.g. an email already registered).
    case duplicate(String)
    /// The database answered something the code does not expect (a bug or a schema drift).
    case unexpected(String)
    /// Postgres did not answer within the caller's time budget (it is down or unreachable).
    case unavailable(String)
}
