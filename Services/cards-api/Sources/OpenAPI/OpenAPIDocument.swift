import Foundation
import HTTPTypes
import PromptCards

/// The OpenAPI 3.1 document of the public API, built from the operations the controllers
/// declare and served at `/api/v1/openapi.json`.
public enum OpenAPIDocument {
    static var operations: [APIOperation] {
        AuthController.openAPI + APIKeysController.openAPI + CardsController.openAPI + TestCasesController.openAPI
            + RunsController.openAPI + AnalyticsController.openAPI + PromptfooController.openAPI + AssertionsController.openAPI
            + JobsController.openAPI + WebhooksController.openAPI
            + extraOperations
    }

    /// Routes served by other daemons through the gateway, and the document itself.
    static let extraOperations: [APIOperation] = [
        APIOperation(method: .get, path: "/api/v1/openapi.json", summary: "This document", tag: "meta", request: nil,
                     responses: [200: nil], authenticated: false),
        APIOperation(method: .post, path: "/api/v1/llm/v1/chat/completions",
                     summary: "OpenAI-compatible chat completions (llm-proxy's /v1/chat/completions through the gateway; SSE when stream is true)",
                     tag: "llm", request: nil, responses: [200: nil]),
        APIOperation(method: .get, path: "/api/v1/llm/v1/models",
                     summary: "The models llm-proxy serves (OpenAI format)", tag: "llm", request: nil, responses: [200: nil]),
        APIOperation(method: .post, path: "/api/v1/llm/v1/embeddings",
                     summary: "OpenAI-compatible embeddings (llm-proxy's /v1/embeddings)", tag: "llm", request: nil,
                     responses: [200: nil]),
    ]

    /// Routes served by other daemons through the gateway (not cards-api), skipped when
    /// matching cards-api's router.
    public static let gatewayPaths: Set<String> = [
        "/api/v1/llm/v1/chat/completions", "/api/v1/llm/v1/models", "/api/v1/llm/v1/embeddings",
    ]

    static var json: JSONValue {
        var paths: [String: JSONValue] = [:]
        for operation in operations {
            var item = paths[operation.path]?.objectValue ?? [:]
            item[operation.method.rawValue.lowercased()] = describe(operation)
            paths[operation.path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Prompt Card System API", "version": "1.0.0",
                "description": "Prompt cards, test cases, runs and results. Errors are RFC 9457 problem details.",
            ],
            "servers": [["url": "/"]],
            "paths": .object(paths),
            "components": [
                "schemas": .object(APISchemas.all),
                "securitySchemes": [
                    "bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                ],
            ],
        ]
    }

    static func describe(_ operation: APIOperation) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        for (status, schema) in operation.responses {
            var response: [String: JSONValue] = ["description": .string(HTTPResponse.Status(code: status).reasonPhrase)]
            if schema == "Problem" {
                response["content"] = ["application/problem+json": ["schema": Schema.ref("Problem")]]
            } else if let schema {
                response["content"] = .object([operation.responseMediaType: ["schema": Schema.ref(schema)]])
            } else if status == 200 {
                let types = operation.responseMediaType == "application/json" ? [operation.responseMediaType]
                    : [operation.responseMediaType, "application/json"]
                response["content"] = .object(Dictionary(uniqueKeysWithValues: types.map { ($0, ["schema": Schema.any]) }))
            }
            responses[String(status)] = .object(response)
        }
        let problem: JSONValue = [
            "description": "Problem details",
            "content": ["application/problem+json": ["schema": Schema.ref("Problem")]],
        ]
        for status in problemStatuses(operation) where responses[String(status)] == nil {
            responses[String(status)] = problem
        }
        responses["default"] = problem
        var described: [String: JSONValue] = [
            "summary": .string(operation.summary),
            "operationId": .string(operationID(operation)),
            "tags": [.string(operation.tag)],
            "responses": .object(responses),
        ]
        let parameters = pathParameters(operation.path)
        if !parameters.isEmpty { described["parameters"] = .array(parameters) }
        if let request = operation.request {
            described["requestBody"] = [
                "required": true,
                "content": .object(Dictionary(uniqueKeysWithValues: operation.requestMediaTypes.map { ($0, ["schema": Schema.ref(request)]) })),
            ]
        }
        described["security"] = operation.authenticated ? [["bearerAuth": []], ["apiKey": []]] : []
        return .object(described)
    }

    static func problemStatuses(_ operation: APIOperation) -> [Int] {
        var statuses = [400, 500]
        if operation.authenticated { statuses.append(401) }
        if operation.path.contains("{") { statuses.append(404) }
        return statuses
    }

    static func pathParameters(_ path: String) -> [JSONValue] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { segment in
            let name = String(segment.dropFirst().dropLast())
            return [
                "name": .string(name), "in": "path", "required": true,
                "schema": name == "version" ? Schema.integer : Schema.uuid,
            ]
        }
    }

    static func operationID(_ operation: APIOperation) -> String {
        let words = operation.path.split(separator: "/").dropFirst(2).map { segment -> String in
            let word = segment.hasPrefix("{") ? "by-" + segment.dropFirst().dropLast() : String(segment)
            return word.replacingOccurrences(of: ".", with: "-")
        }
        return ([operation.method.rawValue.lowercased()] + words).joined(separator: "-")
    }
}
