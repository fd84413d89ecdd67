import PromptCards

/// Small constructors for JSON Schema (2020-12, as OpenAPI 3.1 uses it), so the API's
/// schemas read like the shapes they describe.
enum Schema {
    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    /// Any JSON value.
    static let any: JSONValue = [:]

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static func nullable(_ schema: JSONValue) -> JSONValue { ["anyOf": [schema, ["type": "null"]]] }

    static func string(enum values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map { .string($0) })] }

    /// An object with exactly these properties (unknown ones are an error in responses).
    static func object(_ properties: [String: JSONValue], required: [String], closed: Bool = true) -> JSONValue {
        var schema: [String: JSONValue] = [
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
        ]
        if closed { schema["additionalProperties"] = false }
        return .object(schema)
    }

    /// The envelope of list endpoints.
    static func list(of item: String) -> JSONValue {
        object(["data": array(ref(item)), "next_cursor": nullable(string)], required: ["data", "next_cursor"])
    }
}
