import HTTPTypes

/// One route as the API document describes it. Controllers list theirs beside the routes
/// they register, and a test checks the two lists agree.
struct APIOperation: Sendable {
    var method: HTTPRequest.Method
    /// The route's path with `{parameter}` segments, as registered.
    var path: String
    var summary: String
    var tag: String
    /// The component schema of the JSON request body, if any.
    var request: String?
    /// Status → component schema of the response body (nil: no body).
    var responses: [Int: String?]
    var authenticated: Bool = true
    /// A non-JSON body or response, described by media type (e.g. YAML import/export).
    var requestMediaTypes: [String] = ["application/json"]
    var responseMediaType: String = "application/json"
}
