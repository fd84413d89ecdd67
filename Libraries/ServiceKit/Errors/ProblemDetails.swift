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

    /// The budget a request went over (`BudgetExceeded`): its name (the environment variable
    /// that sets it), the limit in force and what the limit counts.
    public struct Limit: Codable, Sendable, Equatable {
        public var name: String
        public var max: Int
        public var unit: String

        public init(name: String, max: Int, unit: String) {
            self.name = name
            self.max = max
            self.unit = unit
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    public var requestID: String?
    public var errors: [FieldError]?
    public var limit: Limit?

    public init(type: String = "about:blank", title: String, status: Int, detail: String? = nil,
                instance: String? = nil, requestID: String? = nil, errors: [FieldError]? = nil, limit: Limit? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.requestID = requestID
        self.errors = errors
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors, limit
        case requestID = "request_id"
    }

    public static let mediaType = "application/problem+json"
    /// The `type` of every over-budget problem.
    public static let limitExceededType = "urn:pcs:problem:limit-exceeded"
}
