import Hummingbird
import NIOCore

/// A request context that carries what the shared middleware learned: the request id and,
/// once authenticated, the caller. Typed fields rather than a string-keyed bag.
public protocol IdentifiedRequestContext: RequestContext {
    var requestID: String { get set }
    var identity: Identity? { get set }
    /// The caller's connection, when the context knows it (`CallerDisconnect`).
    var channel: (any Channel)? { get }
}

extension IdentifiedRequestContext {
    public var channel: (any Channel)? { nil }

    /// The caller, or a 401 when the route was reached without authentication.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw APIError.unauthorized("Authentication is required") }
        return identity
    }
}
