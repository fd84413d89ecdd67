import Budgets
import HTTPTypes

/// One row of the route table: which public requests it takes, where they go, and on what terms.
struct GatewayRoute: Sendable {
    /// Who may call a route.
    enum Access: String, Sendable {
        /// Anyone (registration, login, the API document).
        case none
        /// A verified access token or API key.
        case user
        /// The same, and a browser's `?access_token=` is accepted too (EventSource cannot
        /// send headers); the upstream checks it again.
        case userOrQuery = "user+query"
    }

    /// How answers come back.
    enum Kind: String, Sendable {
        /// Short requests: retried when safe, the caller is not watched while they run.
        case api
        /// Long or streamed answers (LLM generations, event streams): never retried, and
        /// cancelled upstream as soon as the caller hangs up.
        case stream
    }

    /// Empty for any method.
    let methods: Set<HTTPRequest.Method>
    let pattern: RoutePattern
    let upstream: String
    /// nil keeps the public path; else the upstream path, whose `**` takes what the pattern's `**` matched.
    let upstreamPath: RoutePattern?
    /// The rate limits' class (`auth`, `read`, `write`, `runs`, `llm`, `stream`).
    let rateClass: String
    let access: Access
    /// nil: `UPSTREAM_TIMEOUT_SECONDS`. How long the upstream may take to start answering.
    let timeout: Duration?
    /// nil: `GATEWAY_MAX_BODY_BYTES`. A route may only narrow it.
    let maxBody: Int?
    let kind: Kind

    func accepts(_ method: HTTPRequest.Method) -> Bool { methods.isEmpty || methods.contains(method) }

    /// The path to ask the upstream for, if this route takes `path`.
    func upstreamPath(for path: RequestPath) -> String? {
        guard let rest = pattern.match(path.segments) else { return nil }
        guard let upstreamPath else { return path.value }
        return upstreamPath.filling(rest)
    }
}
