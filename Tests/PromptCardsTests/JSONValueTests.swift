import Foundation
import PromptCards
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test("decodes every JSON kind, keeping numbers and booleans apart", arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("1", .number(1)),
        ("0", .number(0)),
        ("-2.5", .number(-2.5)),
        ("\"hi\"", .string("hi")),
        ("[1,\"a\",null,[true]]", .array([.number(1), .string("a"), .null, .array([.bool(true)])])),
        ("{\"a\":{\"b\":null},\"c\":[]}", .object(["a": .object(["b": .null]), "c": .array([])])),
    ])
    func decodes(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
    }

    @Test("encodes integers without a fraction and sorts object keys", arguments: [
        (JSONValue.number(3.0), "3"),
        (.number(-0.0), "0"),
        (.number(-42), "-42"),
        (.number(0.5), "0.5"),
        (.number(9_007_199_254_740_992), "9007199254740992"),
        (.number(.nan), "null"),
        (.number(.infinity), "null"),
        (.bool(false), "false"),
        (.null, "null"),
        (.object(["b": 1, "a": [2.0, "x"]]), "{\"a\":[2,\"x\"],\"b\":1}"),
    ])
    func encodes(value: JSONValue, expected: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(value), as: UTF8.self) == expected)
        #expect(value.jsonText == expected)
    }

    @Test("writes JSON string escapes", arguments: [
        ("plain", "\"plain\""),
        ("a\"b\\c", "\"a\\\"b\\\\c\""),
        ("line\nbreak\ttab\r", "\"line\\nbreak\\ttab\\r\""),
        ("\u{01}\u{1F}", "\"\\u0001\\u001f\""),
        ("a/b é 👋", "\"a/b é 👋\""),
    ])
    func escapes(text: String, expected: String) throws {
        let value = JSONValue.string(text)
        #expect(value.jsonText == expected)
        #expect(try JSONValue(parsing: expected) == value)
    }

    @Test("round-trips through Codable", arguments: [
        JSONValue.object(["name": "Ada", "age": 36, "tags": ["x", 1.25, false, nil], "nested": ["k": [:]]]),
        .array([]),
        .string(""),
        .number(1e-7),
        .number(123_456_789_012),
    ])
    func roundTrips(value: JSONValue) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }

    @Test("equality and hashing ignore object key order")
    func keyOrder() throws {
        let a = try JSONValue(parsing: "{\"x\":1,\"y\":{\"p\":true,\"q\":null}}")
        let b = try JSONValue(parsing: "{\"y\":{\"q\":null,\"p\":true},\"x\":1.0}")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(a.jsonText == b.jsonText)
    }

    @Test("accessors return a value only for their own kind")
    func accessors() {
        let value: JSONValue = ["s": "text", "n": 3, "f": 3.5, "b": true, "a": [1, 2], "z": nil]
        #expect(value["s"]?.stringValue == "text")
        #expect(value["n"]?.intValue == 3)
        #expect(value["f"]?.intValue == nil)
        #expect(value["f"]?.doubleValue == 3.5)
        #expect(value["b"]?.boolValue == true)
        #expect(value["s"]?.boolValue == nil)
        #expect(value["a"]?[1] == 2)
        #expect(value["a"]?[2] == nil)
        #expect(value["a"]?.arrayValue?.count == 2)
        #expect(value["z"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value.objectValue?.count == 6)
        #expect(JSONValue.string("x").objectValue == nil)
        #expect(value.value(at: ["a"]) == [1, 2])
        #expect(value.value(at: ["s", "deeper"]) == nil)
    }

    @Test("text is a string as itself and anything else as JSON", arguments: [
        (JSONValue.string("a \"b\""), "a \"b\""),
        (.number(2), "2"),
        (.array(["x"]), "[\"x\"]"),
    ])
    func text(value: JSONValue, expected: String) {
        #expect(value.text == expected)
    }

    @Test("rejects text that is not JSON")
    func rejectsInvalid() {
        #expect(throws: (any Error).self) { try JSONValue(parsing: "{\"a\":") }
        #expect(throws: (any Error).self) { try JSONValue(parsing: "hello") }
    }
}
