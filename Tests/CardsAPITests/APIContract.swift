import Foundation
import HTTPTypes
import JSONSchema
import PromptCards
import Testing

/// The served API document, used to check that responses match their schemas.
struct APIContract: Sendable {
    let document: JSONValue

    /// The operation a concrete request path matches (`/api/v1/cards/<uuid>` → `/api/v1/cards/{cardID}`).
    func operation(_ method: HTTPRequest.Method, _ path: String) -> JSONValue? {
        let segments = path.split(separator: "?")[0].split(separator: "/")
        guard case .object(let paths)? = document["paths"] else { return nil }
        let candidates = paths.filter { template, item in
            let parts = template.split(separator: "/")
            guard parts.count == segments.count, item[method.rawValue.lowercased()] != nil else { return false }
            return zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        // The most literal template wins (`/tests/bulk` over `/tests/{testID}`).
        let best = candidates.max { a, b in
            a.key.split(separator: "/").filter { !$0.hasPrefix("{") }.count < b.key.split(separator: "/").filter { !$0.hasPrefix("{") }.count
        }
        return best?.value[method.rawValue.lowercased()]
    }

    /// Validation errors of a response body against its documented schema, or a reason
    /// why it is undocumented.
    func problems(method: HTTPRequest.Method, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        guard let operation = operation(method, path) else { return ["\(method) \(path) is not in the document"] }
        let response = operation["responses"]?[String(status)] ?? operation["responses"]?["default"]
        guard let response else { return ["\(method) \(path) does not document status \(status)"] }
        guard let content = response["content"]?.objectValue, !content.isEmpty else {
            return body.isEmpty ? [] : ["\(method) \(path) \(status) has a body but documents none"]
        }
        let mediaType = (contentType ?? "").split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
        guard let schema = content[mediaType]?["schema"] else {
            return ["\(method) \(path) \(status) answered \(mediaType), documented: \(content.keys.sorted())"]
        }
        guard mediaType.hasSuffix("json") else { return [] }
        guard let instance = try? JSONValue(parsing: String(decoding: body, as: UTF8.self)) else { return ["body is not JSON"] }
        var root = schema.objectValue ?? [:]
        root["components"] = document["components"]
        do {
            let validator = try JSONSchema(.object(root))
            return try validator.validate(instance).map { "\(method) \(path) \(status): \($0)" }
        } catch {
            return ["schema does not compile: \(error)"]
        }
    }
}
