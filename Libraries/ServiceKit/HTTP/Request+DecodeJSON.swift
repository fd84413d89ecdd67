import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Decodes a JSON body, turning every decoding failure into a 400 problem that names
    /// the field and the reason (instead of Hummingbird's generic message).
    public func decodeJSON<T: Decodable>(as type: T.Type, context: some RequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, "The request body is larger than \(context.maxUploadSize) bytes")
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("The request body is empty; a JSON object is expected") }
        do {
            return try JSONDecoder().decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw APIError.decoding(error)
        }
    }
}

extension APIError {
    /// A 400 describing a `DecodingError` with the JSON path of the offending field.
    public static func decoding(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String {
            var result = ""
            for key in codingPath {
                if let index = key.intValue {
                    result += "[\(index)]"
                } else {
                    result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return result.isEmpty ? "$" : result
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .validation(field: path(context.codingPath + [key]), reason: "is required")
        case .valueNotFound(let type, let context):
            return .validation(field: path(context.codingPath), reason: "must not be null (expected \(Self.jsonTypeName(type)))")
        case .typeMismatch(let type, let context):
            return .validation(field: path(context.codingPath), reason: "must be \(Self.jsonTypeName(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .badRequest("The request body is not valid JSON")
            }
            return .validation(field: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .badRequest("The request body could not be decoded")
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid \(name)"
        }
    }
}
