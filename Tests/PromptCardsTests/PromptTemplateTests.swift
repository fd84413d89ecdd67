import Foundation
import PromptCards
import TestSupport
import Testing

@Suite("PromptTemplate")
struct PromptTemplateTests {
    struct VariablesCase: Sendable, CustomTestStringConvertible {
        let source: String
        let variables: [String]
        let placeholders: [String]
        var testDescription: String { source.debugDescription }
    }

    @Test("extracts unique variables in order of first appearance", arguments: [
        VariablesCase(source: "Hello {{name}}, {{ name }}!", variables: ["name"], placeholders: ["name"]),
        VariablesCase(source: "{{ b }}{{a}}{{  b  }}", variables: ["b", "a"], placeholders: ["b", "a"]),
        VariablesCase(source: "{{ user.name }} {{user.age}} {{ topic }} {{ user.name }}",
                      variables: ["user", "topic"], placeholders: ["user.name", "user.age", "topic"]),
        VariablesCase(source: "{{\n\tname\n}}", variables: ["name"], placeholders: ["name"]),
        VariablesCase(source: "{{ _x1 }} {{ größe }}", variables: ["_x1", "größe"], placeholders: ["_x1", "größe"]),
        VariablesCase(source: "no placeholders { } }} {", variables: [], placeholders: []),
        VariablesCase(source: "", variables: [], placeholders: []),
    ])
    func variables(_ c: VariablesCase) throws {
        let template = try PromptTemplate(c.source)
        #expect(template.variables == c.variables)
        #expect(template.placeholders == c.placeholders)
        #expect(template.source == c.source)
    }

    @Test("renders each JSON kind", arguments: [
        (JSONValue.string("hi"), "<hi>"),
        (.string("say \"x\" & <b>"), "<say \"x\" & <b>>"),
        (.string(""), "<>"),
        (.number(3), "<3>"),
        (.number(3.0), "<3>"),
        (.number(-7), "<-7>"),
        (.number(0.25), "<0.25>"),
        (.bool(true), "<true>"),
        (.bool(false), "<false>"),
        (.null, "<>"),
        (.array([1, "a", nil]), "<[1,\"a\",null]>"),
        (.object(["b": 1, "a": [true]]), "<{\"a\":[true],\"b\":1}>"),
    ])
    func rendersKinds(value: JSONValue, expected: String) throws {
        #expect(try PromptTemplate("<{{ v }}>").render(["v": value]) == expected)
    }

    @Test("renders missing variables and members as nothing", arguments: [
        ("[{{ missing }}]", [:], "[]"),
        ("[{{ user.name }}]", ["user": ["age": 3]], "[]"),
        ("[{{ user.name.first }}]", ["user": ["name": "Ada"]], "[]"),
        ("[{{ user.name }}]", ["user": "Ada"], "[]"),
        ("[{{ a }}|{{ b }}]", ["b": "B"], "[|B]"),
    ] as [(String, [String: JSONValue], String)])
    func missing(source: String, vars: [String: JSONValue], expected: String) throws {
        #expect(try PromptTemplate(source).render(vars) == expected)
    }

    @Test("dotted names look into object variables")
    func dotted() throws {
        let template = try PromptTemplate("{{ user.name }} ({{user.address.city}}) likes {{ user.tags }}")
        let vars: [String: JSONValue] = ["user": ["name": "Ada", "address": ["city": "London"], "tags": ["math"]]]
        #expect(try template.render(vars) == "Ada (London) likes [\"math\"]")
    }

    @Test("braces that are not placeholders stay text", arguments: [
        ("{ a } }} {x} {", "{ a } }} {x} {"),
        ("Return {\"a\": {\"b\": 1}}", "Return {\"a\": {\"b\": 1}}"),
        ("{{ v }}}", "V}"),
        ("{ {{v}} }", "{ V }"),
        ("{{v}}{{v}}", "VV"),
        ("}}{{ v }}", "}}V"),
        ("{% if x %}{# note #}", "{% if x %}{# note #}"),
    ])
    func braces(source: String, expected: String) throws {
        #expect(try PromptTemplate(source).render(["v": "V"]) == expected)
    }

    @Test("keeps unicode text around placeholders intact")
    func unicode() throws {
        let template = try PromptTemplate("héllo 👋🏽 {{ name }} — ¿qué? 日本語{{name}}e\u{301}")
        #expect(try template.render(["name": "Zoë 🇫🇷"]) == "héllo 👋🏽 Zoë 🇫🇷 — ¿qué? 日本語Zoë 🇫🇷e\u{301}")
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let source: String
        let kind: TemplateError.Kind
        let offset: Int
        let line: Int
        let column: Int
        let utf16Offset: Int
        var testDescription: String { source.debugDescription }
    }

    @Test("reports each error with its position", arguments: [
        ErrorCase(source: "Hello {{ name", kind: .unclosedPlaceholder, offset: 6, line: 1, column: 7, utf16Offset: 6),
        ErrorCase(source: "a\nb {{ x", kind: .unclosedPlaceholder, offset: 4, line: 2, column: 3, utf16Offset: 4),
        ErrorCase(source: "{{ a {{ b }}", kind: .unclosedPlaceholder, offset: 0, line: 1, column: 1, utf16Offset: 0),
        ErrorCase(source: "{{ }}", kind: .emptyPlaceholder, offset: 0, line: 1, column: 1, utf16Offset: 0),
        ErrorCase(source: "x{{}}", kind: .emptyPlaceholder, offset: 1, line: 1, column: 2, utf16Offset: 1),
        ErrorCase(source: "{{ 1abc }}", kind: .invalidName("1abc"), offset: 3, line: 1, column: 4, utf16Offset: 3),
        ErrorCase(source: "{{ a b }}", kind: .invalidName("a b"), offset: 3, line: 1, column: 4, utf16Offset: 3),
        ErrorCase(source: "{{a.}}", kind: .invalidName("a."), offset: 2, line: 1, column: 3, utf16Offset: 2),
        ErrorCase(source: "{{ .a }}", kind: .invalidName(".a"), offset: 3, line: 1, column: 4, utf16Offset: 3),
        ErrorCase(source: "{{ x | upper }}", kind: .invalidName("x | upper"), offset: 3, line: 1, column: 4, utf16Offset: 3),
        ErrorCase(source: "{{ user-name }}", kind: .invalidName("user-name"), offset: 3, line: 1, column: 4, utf16Offset: 3),
        ErrorCase(source: "ok {{ fine }}\r\n👋🏽\n  {{ 9 }}", kind: .invalidName("9"), offset: 21, line: 3, column: 6, utf16Offset: 25),
    ])
    func errors(_ c: ErrorCase) throws {
        let error = #expect(throws: TemplateError.self) { try PromptTemplate(c.source) }
        #expect(error?.kind == c.kind)
        #expect(error?.offset == c.offset)
        #expect(error?.line == c.line)
        #expect(error?.column == c.column)
        #expect(error?.utf16Offset == c.utf16Offset)
        #expect(error?.description.contains("line \(c.line), column \(c.column) (offset \(c.offset))") == true)
    }

    @Test("error reasons say what is wrong", arguments: [
        ("{{ name", "unclosed \"{{\""),
        ("{{ }}", "empty placeholder"),
        ("{{ 1abc }}", "invalid variable name \"1abc\": a name cannot start with a digit"),
        ("{{ a b }}", "invalid variable name \"a b\": a name cannot contain spaces"),
        ("{{ x | upper }}", "filters are not supported"),
    ])
    func reasons(source: String, expected: String) {
        let error = #expect(throws: TemplateError.self) { try PromptTemplate(source) }
        #expect(error?.reason.contains(expected) == true, "\(error?.reason ?? "no error")")
        #expect(error?.localizedDescription.contains(expected) == true)
    }

    @Test("renders a 10k-character template with 100 variables quickly")
    func performance() throws {
        let filler = String(repeating: "lorem ipsum ", count: 8)  // 96 characters
        var source = ""
        var vars: [String: JSONValue] = [:]
        var expected = ""
        for i in 0..<100 {
            source += filler + "{{ var\(i) }}"
            vars["var\(i)"] = i.isMultiple(of: 2) ? .string("value \(i)") : .number(Double(i))
            expected += filler + (i.isMultiple(of: 2) ? "value \(i)" : "\(i)")
        }
        #expect(source.count > 10_000)

        var rendered = ""
        let elapsed = try CPUTime.measure {
            let template = try PromptTemplate(source)
            for _ in 0..<1_000 { rendered = try template.render(vars) }
        }
        #expect(rendered == expected)
        // 1,000 renders take a few tens of milliseconds even in a debug build.
        #expect(elapsed < .seconds(2), "took \(elapsed) of CPU time")
    }
}
