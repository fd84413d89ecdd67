import Foundation
import PromptCards
import Yams

/// Writes a card and its test cases as a promptfoo config that promptfoo itself accepts
/// (`prompts` with `{id, label, raw}`, `providers`, `tests` with `description`, `vars`,
/// `assert`, `threshold`), so import → export → import keeps everything representable.
public enum PromptfooExporter {
    public struct Card: Sendable {
        public var id: String
        public var title: String
        public var description: String
        public var template: String
        public var defaultModels: [String]
        public var tests: [TestCaseContent]

        public init(id: String, title: String, description: String, template: String, defaultModels: [String], tests: [TestCaseContent]) {
            self.id = id
            self.title = title
            self.description = description
            self.template = template
            self.defaultModels = defaultModels
            self.tests = tests
        }
    }

    public static func config(_ card: Card) -> JSONValue {
        var root: [String: JSONValue] = [
            "description": .string(card.description.isEmpty ? card.title : card.description),
            "prompts": .array([.object(["id": .string(card.id), "label": .string(card.title), "raw": .string(card.template)])]),
            "tests": .array(card.tests.map(test)),
        ]
        if !card.defaultModels.isEmpty {
            root["providers"] = .array(card.defaultModels.map { .string(ProviderNames.promptfooID(fromModelName: $0)) })
        }
        return .object(root)
    }

    public static func yaml(_ card: Card) throws -> String {
        "# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json\n"
            + (try Yams.dump(object: plain(config(card)), width: -1, allowUnicode: true, sortKeys: true))
    }

    public static func json(_ card: Card) -> String {
        config(card).jsonText
    }

    static func test(_ test: TestCaseContent) -> JSONValue {
        var object: [String: JSONValue] = ["vars": .object(test.vars)]
        if !test.description.isEmpty { object["description"] = .string(test.description) }
        if let threshold = test.threshold { object["threshold"] = .number(threshold) }
        if !test.assert.isEmpty {
            let encoded = (try? JSONEncoder().encode(test.assert)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
            object["assert"] = encoded ?? .array([])
        }
        return .object(object)
    }

    /// Foundation values Yams can emit.
    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return Int(number) }
            return number
        case .string(let text): return text
        case .array(let items): return items.map(plain)
        case .object(let object): return object.mapValues(plain)
        }
    }
}
