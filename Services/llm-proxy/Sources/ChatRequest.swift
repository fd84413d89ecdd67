import Foundation
import ServiceKit

/// An OpenAI chat-completions request body, validated. The body stays JSON bytes so fields
/// the proxy does not know (tools, response_format, …) pass through untouched.
struct ChatRequest: Sendable {
    let json: Data
    let model: String
    let stream: Bool

    init(json: Data) throws(APIError) {
        guard let object = try? JSONSerialization.jsonObject(with: json), let body = object as? [String: Any] else {
            throw APIError.badRequest("The request body must be a JSON object")
        }
        guard let model = body["model"] as? String, !model.isEmpty else {
            throw APIError.validation(field: "model", reason: "is required and must be a non-empty string")
        }
        guard let messages = body["messages"] as? [Any], !messages.isEmpty else {
            throw APIError.validation(field: "messages", reason: "is required and must be a non-empty array")
        }
        for (index, message) in messages.enumerated() {
            guard let message = message as? [String: Any], let role = message["role"] as? String else {
                throw APIError.validation(field: "messages[\(index)]", reason: "must be an object with a string role")
            }
            guard ["system", "user", "assistant", "tool", "developer"].contains(role) else {
                throw APIError.validation(field: "messages[\(index)].role", reason: "must be system, user, assistant, tool or developer")
            }
        }
        if let stream = body["stream"], !(stream is Bool) {
            throw APIError.validation(field: "stream", reason: "must be a boolean")
        }
        self.json = json
        self.model = model
        self.stream = (body["stream"] as? Bool) ?? false
    }

    /// The parsed body (validated at init, so parsing cannot fail here).
    var object: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: json)) as? [String: Any]) ?? [:]
    }

    /// The same request addressed to the upstream's model name.
    func addressed(to upstreamModel: String) -> ChatRequest {
        var body = object
        body["model"] = upstreamModel
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? json
        return (try? ChatRequest(json: data)) ?? self
    }
}
