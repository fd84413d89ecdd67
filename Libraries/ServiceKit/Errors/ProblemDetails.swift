/// RFC 9457 problem details, the one error body every daemon answers with
/// (`application/problem+json`). `errors` lists field-level validation failures.
public struct ProblemDetails: Codable, Sendable, Equatable {
    public struct FieldError: Codable, Sendable, Equatable {
        /// A JSON path into the request body, e.g. `assert[1].value`.
        public var field: String
        public var reason: String

        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    public var requestID: String?
    public var errors: [FieldError]?

    public init(type: String = "about:blank", title: String, status: Int, detail: String? = nil,
                instance: String? = nil, requestID: String? = nil, errors: [FieldError]? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.requestID = requestID
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
        case requestID = "request_id"
    }

    public static let mediaType = "application/problem+json"
}
