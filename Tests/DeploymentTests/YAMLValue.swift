import Yams

/// A parsed YAML document as a plain Sendable value (Yams' `Node` is not Sendable), so a
/// file parsed once can be shared by every test. Scalars keep their text; `int` and `bool`
/// read it on demand. Merge keys (`<<`) are left as written.
indirect enum YAMLValue: Sendable, Equatable {
    case scalar(String)
    case sequence([YAMLValue])
    case mapping([String: YAMLValue])

    init(_ node: Node) {
        switch node {
        case .scalar(let scalar):
            self = .scalar(scalar.string)
        case .sequence(let sequence):
            self = .sequence(sequence.map(YAMLValue.init))
        case .mapping(let mapping):
            var values: [String: YAMLValue] = [:]
            for (key, value) in mapping { values[key.string ?? ""] = YAMLValue(value) }
            self = .mapping(values)
        case .alias:
            self = .scalar("")
        }
    }

    /// Every document of a YAML text.
    static func documents(_ yaml: String) throws -> [YAMLValue] {
        let parser = try Parser(yaml: yaml)
        var documents: [YAMLValue] = []
        while let node = try parser.nextRoot() { documents.append(YAMLValue(node)) }
        return documents
    }

    /// A mapping's value for `key`.
    subscript(key: String) -> YAMLValue? {
        if case .mapping(let values) = self { return values[key] }
        return nil
    }

    /// A mapping's value at a path of keys.
    subscript(path keys: String...) -> YAMLValue? {
        var value: YAMLValue? = self
        for key in keys { value = value?[key] }
        return value
    }

    var string: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    var int: Int? { string.flatMap { Int($0) } }

    var bool: Bool? {
        switch string {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// The elements of a sequence (empty for anything else).
    var items: [YAMLValue] {
        if case .sequence(let values) = self { return values }
        return []
    }

    /// The entries of a mapping, or nil for anything else.
    var mapping: [String: YAMLValue]? {
        if case .mapping(let values) = self { return values }
        return nil
    }
}
