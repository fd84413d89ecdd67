import Budgets
import Foundation
import JSONCore
import JSONSchema
import TestSupport
import Testing

/// What the official suite does not cover: asserted formats, where errors point, schemas
/// refused at compile time, and the limits that keep validation from hanging.
@Suite("JSON Schema validator")
struct ValidatorTests {
    static let formats = JSONSchema.Options(assertFormats: true)

    @Test("asserted formats accept and reject", arguments: [
        ("date-time", "2024-02-29T23:59:60Z", true), ("date-time", "2023-02-29T10:00:00Z", false),
        ("date-time", "2024-01-01t10:00:00.5+01:00", true), ("date-time", "2024-01-01 10:00:00Z", false),
        ("date", "2024-12-31", true), ("date", "2024-13-01", false), ("date", "24-12-31", false),
        ("time", "08:30:00Z", true), ("time", "08:30:00", false), ("time", "23:59:60+00:00", true), ("time", "12:59:60Z", false),
        ("email", "ada.lovelace@example.co.uk", true), ("email", "no-at-sign", false), ("email", ".a@b.c", false),
        ("hostname", "api.example.com", true), ("hostname", "-bad-.example", false),
        ("ipv4", "192.168.0.1", true), ("ipv4", "256.1.1.1", false), ("ipv4", "01.1.1.1", false),
        ("ipv6", "::1", true), ("ipv6", "2001:db8::8a2e:370:7334", true), ("ipv6", "12345::", false),
        ("uri", "https://example.com/a?b#c", true), ("uri", "not a uri", false), ("uri", "/relative", false),
        ("uri-reference", "/relative#x", true), ("uri-reference", "has space", false),
        ("uuid", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", true), ("uuid", "3f2504e0-4f89-11d3-9a0c", false),
        ("json-pointer", "/a~1b/0", true), ("json-pointer", "a/b", false), ("json-pointer", "/a~2", false),
        ("regex", "^[a-z]+$", true), ("regex", "([a-z]", false),
        ("duration", "P3Y6M4DT12H30M5S", true), ("duration", "P1W", true), ("duration", "PT", false),
        ("unknown-format", "anything", true),
    ])
    func format(format: String, text: String, valid: Bool) throws {
        let schema = try JSONSchema(["type": "string", "format": .string(format)], options: Self.formats)
        #expect(try schema.isValid(.string(text)) == valid)
        // By default a format is only an annotation.
        #expect(try JSONSchema(["format": .string(format)]).isValid(.string(text)))
        // A format applies to strings only.
        #expect(try JSONSchema(["format": .string(format)], options: Self.formats).isValid(42))
    }

    @Test("errors say where in the instance and in the schema")
    func errorLocations() throws {
        let schema = try JSONSchema([
            "type": "object", "required": ["items"],
            "properties": ["items": ["type": "array", "items": ["type": "object", "required": ["name"],
                                                              "properties": ["qty": ["type": "integer", "minimum": 1]]]]],
        ])
        let errors = try schema.validate(["items": [["name": "a", "qty": 1], ["qty": 0]]])
        #expect(errors.map(\.description) == ["/items/1 must have required property 'name'", "/items/1/qty must be >= 1"])
        #expect(errors.map(\.keywordPath) == ["/properties/items/items/required", "/properties/items/items/properties/qty/minimum"])
        #expect(try schema.validate(["items": []]).isEmpty)
        #expect(try schema.validate("nope").map(\.description) == ["(root) must be object"])
        #expect(try schema.validate(["x": 1, "items": "y"], maxErrors: 1).count == 1)
    }

    @Test("unusable schemas are refused with the path of the problem", arguments: [
        (["type": "text"] as JSONValue, "type"),
        (["properties": ["a": ["minLength": -1]]], "properties.a.minLength"),
        (["allOf": []], "allOf"),
        (["items": [["type": "string"]]], "items"),
        (["patternProperties": ["(": ["type": "string"]]], "patternProperties.("),
        (["$ref": "#/$defs/missing"], "$ref"),
        (["$ref": "https://json-schema.org/draft/2020-12/schema"], "$ref"),
        (["$dynamicRef": "#meta"], "$dynamicRef"),
        (["properties": ["a": 3]], "properties.a"),
        (["required": "a"], "required"),
    ] as [(JSONValue, String)])
    func refusedSchemas(schema: JSONValue, path: String) {
        let error = #expect(throws: SchemaError.self) { try JSONSchema(schema) }
        #expect(error?.path == path, "\(String(describing: error))")
    }

    @Test("draft-07 tuples and dependencies follow draft-07; 2020-12 is the default")
    func drafts() throws {
        let tuple: JSONValue = ["$schema": "http://json-schema.org/draft-07/schema#", "items": [["type": "integer"]], "additionalItems": false]
        #expect(try JSONSchema(tuple).draft == .draft7)
        #expect(try JSONSchema(tuple).isValid([1]))
        #expect(!(try JSONSchema(tuple).isValid([1, 2])))
        #expect(try JSONSchema(["prefixItems": [["type": "integer"]], "items": false]).draft == .draft2020_12)
        #expect(!(try JSONSchema(["prefixItems": [["type": "integer"]], "items": false]).isValid([1, 2])))
    }

    @Test("a self-referencing schema stops instead of recursing forever")
    func infiniteRecursion() throws {
        let schema = try JSONSchema(["$defs": ["loop": ["$ref": "#/$defs/loop"]], "$ref": "#/$defs/loop"])
        let errors = try schema.validate(1)
        #expect(errors.first?.message.contains("follows $ref more than") == true, "\(errors)")
        // A legitimately recursive schema validates deep data.
        let tree = try JSONSchema(["type": "object", "properties": ["child": ["$ref": "#"]]])
        var deep: JSONValue = [:]
        for _ in 0..<250 { deep = ["child": deep] }
        #expect(try tree.isValid(deep))
    }

    @Test("a catastrophic pattern is cut off, failing with a reason")
    func patternTimeLimit() throws {
        let schema = try JSONSchema(["pattern": "^(a+)+$"])
        let meter = WorkMeter(schemaSteps: BudgetCatalog.schemaSteps.standard,
                              regexTime: BudgetCatalog.regexMillisecondsPerTest.standard,
                              regexMatch: BudgetCatalog.regexMatchMilliseconds.standard.with(limit: 50))
        var errors: [ValidationError] = []
        let elapsed = try CPUTime.measure {
            errors = try schema.validate(.string(String(repeating: "a", count: 40) + "!"), meter: meter)
        }
        #expect(elapsed < .seconds(3), "took \(elapsed) of CPU time")
        #expect(errors.first?.message.contains("timed out after 50 ms of CPU time (MAX_REGEX_MATCH_MS)") == true,
                "\(errors)")
    }

    @Test("unevaluatedProperties sees through allOf and $ref")
    func unevaluated() throws {
        let schema = try JSONSchema([
            "$defs": ["named": ["properties": ["name": ["type": "string"]]]],
            "allOf": [["$ref": "#/$defs/named"]], "properties": ["age": ["type": "integer"]], "unevaluatedProperties": false,
        ])
        #expect(try schema.isValid(["name": "a", "age": 1]))
        #expect(try schema.validate(["name": "a", "extra": true]).map(\.description) == ["(root) must NOT have unevaluated property 'extra'"])
    }
}
