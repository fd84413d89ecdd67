import Budgets
import Foundation
import PromptCards
import Yams

/// YAML (or JSON, which is YAML) text to `JSONValue`, with anchors, aliases and merge keys
/// resolved by Yams, and syntax errors reported with their line and column. The document is
/// held to its budgets first (size, then expanded nodes and nesting by `YAMLExpansionScan`), so
/// Yams only ever builds trees of a bounded size.
enum YAMLDocument {
    /// YAML 1.2's core schema, as promptfoo's parser (js-yaml) reads configs: `Yes`, `no`,
    /// `on` stay strings (YAML 1.1 would make them booleans), and dates stay strings.
    static let coreSchema: Resolver = {
        // The patterns are constants; they cannot fail to compile.
        let bool = try! Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
        let int = try! Resolver.Rule(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
        return Resolver.default.replacing(bool).replacing(int).removing(.timestamp)
    }()

    static func parse(_ text: String, limits: ImportLimits) throws(PromptfooError) -> JSONValue {
        do {
            try limits.documentBytes.check(text.utf8.count, "the config")
            try YAMLExpansionScan.check(text, nodes: limits.yamlNodes, depth: limits.yamlDepth)
        } catch {
            throw PromptfooError(error)
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text, Self.coreSchema)
        } catch let error as YamlError {
            throw Self.describe(error)
        } catch {
            throw PromptfooError(reason: "not valid YAML: \(error)")
        }
        guard let loaded else { throw PromptfooError(reason: "the document is empty") }
        return convert(loaded)
    }

    static func convert(_ value: Any) -> JSONValue {
        switch value {
        case let value as String: return .string(value)
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(Double(value))
        case let value as Double: return .number(value)
        case let value as Date: return .string(ISO8601DateFormatter().string(from: value))
        case let value as [Any]: return .array(value.map(convert))
        case let value as [String: Any]: return .object(value.mapValues(convert))
        case let value as [AnyHashable: Any]:
            var object: [String: JSONValue] = [:]
            for (key, item) in value { object[String(describing: key.base)] = convert(item) }
            return .object(object)
        case is NSNull: return .null
        default: return .string(String(describing: value))
        }
    }

    static func describe(_ error: YamlError) -> PromptfooError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return PromptfooError(reason: "not valid YAML: \(problem)", line: mark.line, column: mark.column)
        case .composer(_, let problem, let mark, _):
            return PromptfooError(reason: "not valid YAML: \(problem)", line: mark.line, column: mark.column)
        default:
            return PromptfooError(reason: "not valid YAML: \(error)")
        }
    }
}
