import Budgets
import Foundation
import JSONCore

/// Everything `$ref` can point at, found by walking the schema once: the resources named by
/// `$id`, the anchors, and every subschema by JSON pointer (relative to each resource that
/// encloses it). The walk also checks the keywords' shapes and compiles the patterns, so a
/// schema that compiles never fails for reasons of its own while validating.
struct SchemaIndex: Sendable {
    /// A subschema and the base URI in effect around it (its own `$id`, if any, is applied
    /// when it is evaluated).
    struct Entry: Sendable {
        let schema: JSONValue
        let base: String
    }

    let draft: JSONSchema.Draft
    /// The base URI of the root schema (its `$id` resolved, or a placeholder).
    private(set) var rootBase = ""
    /// Resource URI (no fragment) → the schema that `$id` names.
    private(set) var resources: [String: Entry] = [:]
    /// `uri#name` → the schema with that `$anchor` (or draft-07 `$id: "#name"`).
    private(set) var anchors: [String: Entry] = [:]
    /// `uri#/json/pointer` (decoded) → the subschema there.
    private(set) var locations: [String: Entry] = [:]
    /// Base URI → `$id` as written → the base URI inside that schema.
    private(set) var idBases: [String: [String: String]] = [:]
    /// Base URI → `$ref` as written → its target, resolved once.
    private(set) var refTargets: [String: [String: Entry]] = [:]
    /// Compiled `pattern` and `patternProperties` expressions.
    private(set) var patterns: [String: BoundedPattern] = [:]
    /// Whether `unevaluatedProperties` or `unevaluatedItems` appear, which makes validation
    /// track which properties and items each subschema looked at.
    private(set) var usesUnevaluated = false

    /// The base URI used when the root has no `$id`.
    static let defaultBase = "https://json-schema.invalid/root.json"

    private var pendingRefs: [(ref: String, base: String, path: String)] = []
    /// The compile budget (`MAX_SCHEMA_STEPS`) and what the walk has spent of it.
    private let stepBudget: Budget
    private var steps = 0

    init(root: JSONValue, draft: JSONSchema.Draft, steps: Budget) throws(SchemaError) {
        self.draft = draft
        stepBudget = steps
        try walk(root, outerBase: Self.defaultBase, enclosing: [], path: "")
        rootBase = Self.baseInside(root, outerBase: Self.defaultBase, draft: draft)
        for pending in pendingRefs {
            try spend(1 + pending.ref.utf8.count >> 6)
            guard let target = resolve(pending.ref, base: pending.base) else {
                throw SchemaError(path: pending.path, reason: "cannot resolve $ref \"\(pending.ref)\" (only references within this schema are supported)")
            }
            refTargets[pending.base, default: [:]][pending.ref] = target
        }
        pendingRefs = []
    }

    // MARK: Lookup

    /// The target of `ref` seen in a schema whose base URI is `base`.
    func target(of ref: String, base: String) -> Entry? {
        refTargets[base]?[ref] ?? resolve(ref, base: base)
    }

    /// The base URI inside `schema` when the base around it is `outerBase`.
    func baseInside(_ schema: JSONValue, outerBase: String) -> String {
        guard case .object(let members) = schema, let id = members["$id"]?.stringValue else { return outerBase }
        if let known = idBases[outerBase]?[id] { return known }
        return Self.baseInside(schema, outerBase: outerBase, draft: draft)
    }

    private static func baseInside(_ schema: JSONValue, outerBase: String, draft: JSONSchema.Draft) -> String {
        guard case .object(let members) = schema, let id = members["$id"]?.stringValue else { return outerBase }
        if draft == .draft7 && (members["$ref"] != nil || id.hasPrefix("#")) { return outerBase }
        return SchemaURI(parsing: outerBase).resolving(id).withoutFragment
    }

    private func resolve(_ ref: String, base: String) -> Entry? {
        let uri = SchemaURI(parsing: base).resolving(ref)
        let document = uri.withoutFragment
        let fragment = SchemaURI.percentDecoded(uri.fragment ?? "")
        if fragment.isEmpty {
            return resources[document] ?? locations[document + "#"]
        }
        if fragment.hasPrefix("/") {
            if let known = locations[document + "#" + fragment] { return known }
            // A pointer to a place the walk did not register (inside an unknown keyword).
            guard let resource = resources[document] ?? locations[document + "#"] else { return nil }
            var current = resource.schema
            for token in fragment.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                switch current {
                case .object(let members): guard let next = members[key] else { return nil }; current = next
                case .array(let elements): guard let i = Int(key), elements.indices.contains(i) else { return nil }; current = elements[i]
                default: return nil
                }
            }
            return Entry(schema: current, base: document)
        }
        return anchors[document + "#" + fragment]
    }

    // MARK: Walk

    /// Registers `schema` (found under `outerBase`) and everything below it. `enclosing` lists
    /// the resources around it with the pointer from each to here.
    private mutating func walk(_ schema: JSONValue, outerBase: String, enclosing: [(base: String, pointer: String)],
                               path: String) throws(SchemaError) {
        let entry = Entry(schema: schema, base: outerBase)
        var enclosing = enclosing
        let base = Self.baseInside(schema, outerBase: outerBase, draft: draft)
        if case .object(let members) = schema, let id = members["$id"]?.stringValue {
            idBases[outerBase, default: [:]][id] = base
            if base != outerBase || enclosing.isEmpty {
                resources[base] = entry
                enclosing.append((base, ""))
            }
            if draft == .draft7, id.hasPrefix("#"), id.count > 1, members["$ref"] == nil {
                anchors[base + id] = entry
            }
        } else if enclosing.isEmpty {
            resources[base] = entry
            enclosing.append((base, ""))
        }
        for (resource, pointer) in enclosing {
            let key = resource + "#" + pointer
            try spend(1 + key.utf8.count >> 6)
            locations[key] = entry
        }

        switch schema {
        case .bool:
            return
        case .object(let members):
            try index(members, base: base, outerBase: outerBase, enclosing: enclosing, path: path)
        default:
            throw SchemaError(path: path, reason: "a schema must be an object or a boolean")
        }
    }

    /// Counts `count` steps of compiling: one per index entry and per 64 bytes of its key, the
    /// memory and time a deeply nested or many-`$id` schema makes the walk spend.
    private mutating func spend(_ count: Int) throws(SchemaError) {
        steps += count
        do {
            try stepBudget.check(steps, "compiling the JSON Schema")
        } catch {
            throw SchemaError(error)
        }
    }

    private mutating func index(_ members: [String: JSONValue], base: String, outerBase: String,
                                enclosing: [(base: String, pointer: String)], path: String) throws(SchemaError) {
        let entry = Entry(schema: .object(members), base: outerBase)
        if draft == .draft2020_12 {
            for keyword in ["$anchor", "$dynamicAnchor"] {
                if let anchor = members[keyword]?.stringValue { anchors[base + "#" + anchor] = entry }
            }
        }
        for key in members.keys.sorted() {
            let value = members[key]!
            let keyPath = Self.join(path, key)
            if let problem = SchemaKeywords.problem(keyword: key, value: value, draft: draft) {
                throw SchemaError(path: keyPath, reason: problem)
            }
            if SchemaKeywords.unsupported.contains(key) {
                throw SchemaError(path: keyPath, reason: "\(key) is not supported")
            }
            func child(_ pointerSuffix: String) -> [(base: String, pointer: String)] {
                enclosing.map { ($0.base, $0.pointer + "/" + pointerSuffix) }
            }
            let token = Self.pointerToken(key)
            switch key {
            case "$ref":
                pendingRefs.append((value.stringValue!, base, keyPath))
            case "pattern":
                patterns[value.stringValue!] = BoundedPattern(value.stringValue!)
            case "unevaluatedProperties", "unevaluatedItems":
                if draft == .draft2020_12 { usesUnevaluated = true }
            default:
                break
            }
            if SchemaKeywords.singleSchema(draft).contains(key) || (key == "items" && value.arrayValue == nil) {
                try walk(value, outerBase: base, enclosing: child(token), path: keyPath)
            } else if SchemaKeywords.schemaArrays(draft).contains(key) || (key == "items" && draft == .draft7) {
                guard let elements = value.arrayValue, !elements.isEmpty else {
                    throw SchemaError(path: keyPath, reason: "must be a non-empty array of schemas")
                }
                for (i, element) in elements.enumerated() {
                    try walk(element, outerBase: base, enclosing: child("\(token)/\(i)"), path: "\(keyPath)[\(i)]")
                }
            } else if key == "items" {
                throw SchemaError(path: keyPath, reason: "must be a schema (use prefixItems for a tuple)")
            } else if SchemaKeywords.schemaMaps(draft).contains(key) {
                guard let map = value.objectValue else { throw SchemaError(path: keyPath, reason: "must be an object of schemas") }
                for name in map.keys.sorted() {
                    let sub = map[name]!
                    let subPath = Self.join(keyPath, name)
                    if key == "patternProperties" {
                        guard let compiled = BoundedPattern(name) else {
                            throw SchemaError(path: subPath, reason: "invalid regular expression \"\(name)\"")
                        }
                        patterns[name] = compiled
                    }
                    if key == "dependencies", let names = sub.arrayValue {
                        guard names.allSatisfy({ $0.stringValue != nil }) else {
                            throw SchemaError(path: subPath, reason: "must be a schema or an array of property names")
                        }
                        continue
                    }
                    try walk(sub, outerBase: base, enclosing: child("\(token)/\(Self.pointerToken(name))"), path: subPath)
                }
            }
        }
    }

    /// A JSON pointer token: `~` and `/` escaped.
    static func pointerToken(_ key: String) -> String {
        guard key.contains("~") || key.contains("/") else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }
}
