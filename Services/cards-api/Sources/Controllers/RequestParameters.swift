import Foundation
import Hummingbird
import ServiceKit
import Storage

extension Request {
    /// `limit` (1–100, default 20) and `cursor` query parameters of list endpoints.
    func pagination() throws -> (limit: Int, cursor: PageCursor?) {
        var limit = 20
        if let raw = uri.queryParameters["limit"] {
            guard let value = Int(String(raw)), (1...100).contains(value) else {
                throw APIError.validation(field: "limit", reason: "must be an integer from 1 to 100")
            }
            limit = value
        }
        var cursor: PageCursor?
        if let raw = uri.queryParameters["cursor"], !raw.isEmpty {
            guard let parsed = PageCursor(token: String(raw)) else {
                throw APIError.validation(field: "cursor", reason: "is not a cursor this API issued")
            }
            cursor = parsed
        }
        return (limit, cursor)
    }
}

extension ServiceRequestContext {
    /// A UUID path parameter; a malformed one is a 404 (no such resource), not a 500.
    func uuid(_ name: String, resource: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw APIError.notFound(resource) }
        return id
    }

    /// The owner filter for queries: the caller's id, or nil (everyone) for admins.
    func ownerScope() throws -> UUID? {
        let identity = try requireIdentity()
        return identity.isAdmin ? nil : identity.userID
    }
}
