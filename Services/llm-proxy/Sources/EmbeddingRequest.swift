import Foundation
import ServiceKit

/// An OpenAI embeddings request body (`{model, input}`), validated: `input` is one string or
/// a non-empty array of strings (token arrays are not accepted).
struct EmbeddingRequest: Sendable {
    /// The most texts one request may embed.
    static let maxInputs = 256

    let model: String
    let inputs: [String]

    init(json: Data) throws(APIError) {
        guard let object = try? JSONSerialization.jsonObject(with: json), let body = object as? [String: Any] else {
            throw APIError.badRequest("The request body must be a JSON object")
        }
        guard let model = body["model"] as? String, !model.isEmpty else {
            throw APIError.validation(field: "model", reason: "is required and must be a non-empty string")
        }
        let inputs: [String]
        switch body["input"] {
        case let text as String:
            inputs = [text]
        case let list as [Any] where !list.isEmpty && list.allSatisfy({ $0 is String }):
            inputs = list.compactMap { $0 as? String }
        default:
            throw APIError.validation(field: "input", reason: "must be a string or a non-empty array of strings")
        }
        guard inputs.count <= Self.maxInputs else {
            throw APIError.validation(field: "input", reason: "must have at most \(Self.maxInputs) texts")
        }
        if let format = body["encoding_format"], (format as? String) != "float" {
            throw APIError.validation(field: "encoding_format", reason: "only \"float\" is supported")
        }
        self.model = model
        self.inputs = inputs
    }
}

/// Embeddings as a provider returns them, before they are written in OpenAI's format.
struct Embeddings: Sendable {
    var vectors: [[Double]]
    var promptTokens: Int
}
