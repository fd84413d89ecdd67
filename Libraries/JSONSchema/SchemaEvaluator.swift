import Budgets
import JSONCore

/// One validation of an instance against a compiled schema: walks both together, records
/// errors with their locations, and — when the schema uses `unevaluatedProperties` or
/// `unevaluatedItems` — tracks which properties and items each subschema evaluated.
struct SchemaEvaluator {
    /// What a valid (sub)schema evaluated, for `unevaluated*`.
    struct Annotations {
        var properties: Set<String> = []
        /// Items `0..<itemPrefix` were evaluated.
        var itemPrefix = 0
        /// Other evaluated item indices (from `contains`).
        var itemIndices: Set<Int> = []

        mutating func merge(_ other: Annotations) {
            properties.formUnion(other.properties)
            itemPrefix = max(itemPrefix, other.itemPrefix)
            itemIndices.formUnion(other.itemIndices)
        }
    }

    /// Deepest instance nesting and `$ref` chain followed before giving up (a schema such as
    /// `{"$ref": "#"}` would otherwise recurse forever).
    static let depthLimit = 256

    let index: SchemaIndex
    let options: JSONSchema.Options
    let maxErrors: Int
    var errors: [ValidationError] = []
    /// Off while evaluating a branch whose failure is not itself an error (`anyOf`, `not`, …).
    var recording = true
    var instancePath: [String] = []
    var keywordPath: [String] = []
    var refDepth = 0
    let tracksAnnotations: Bool
    /// Where every subschema evaluation and pattern search is charged.
    let meter: WorkMeter
    /// Set when `meter` ran out: from then on every evaluation fails at once, so the walk unwinds
    /// quickly, and `JSONSchema.validate` throws this instead of answering.
    var exceeded: BudgetExceeded?

    init(index: SchemaIndex, options: JSONSchema.Options, maxErrors: Int, meter: WorkMeter) {
        self.index = index
        self.options = options
        self.maxErrors = maxErrors
        self.meter = meter
        tracksAnnotations = index.usesUnevaluated
    }

    var draft: JSONSchema.Draft { index.draft }

    /// Whether a failure ends this evaluation at once: nothing more would be recorded.
    var stopsAtFirstFailure: Bool { !recording || errors.count >= maxErrors || exceeded != nil }

    /// Charges one step to the meter; false (with `exceeded` set) once the budget is spent.
    mutating func step() -> Bool {
        guard exceeded == nil else { return false }
        do {
            try meter.spendSchemaSteps()
            return true
        } catch {
            exceeded = error
            return false
        }
    }

    /// Searches `text` for `pattern` as one step; nil (with `exceeded` set) once the meter is
    /// spent, in steps or in regex time.
    mutating func search(_ pattern: BoundedPattern, in text: String) -> BoundedPattern.Outcome? {
        guard step() else { return nil }
        let outcome = pattern.search(text, meter: meter)
        if case .overBudget(let error) = outcome {
            exceeded = error
            return nil
        }
        return outcome
    }

    mutating func fail(_ keyword: String, _ message: String) {
        guard recording, errors.count < maxErrors else { return }
        let instance = instancePath.isEmpty ? "" : "/" + instancePath.joined(separator: "/")
        let keywords = "/" + (keywordPath + [keyword]).joined(separator: "/")
        errors.append(ValidationError(instancePath: instance, keywordPath: keywords, message: message))
    }

    /// Runs `body` without recording errors; returns its result.
    mutating func silently<T>(_ body: (inout SchemaEvaluator) -> T) -> T {
        let saved = recording
        recording = false
        defer { recording = saved }
        return body(&self)
    }

    /// Evaluates `instance` against the subschema under `keyword` (path steps appended).
    mutating func evaluate(_ instance: JSONValue, _ schema: JSONValue, outerBase: String,
                           keywords: [String], instanceStep: String? = nil) -> Annotations? {
        keywordPath.append(contentsOf: keywords)
        if let instanceStep { instancePath.append(SchemaIndex.pointerToken(instanceStep)) }
        defer {
            keywordPath.removeLast(keywords.count)
            if instanceStep != nil { instancePath.removeLast() }
        }
        return evaluate(instance, schema, outerBase: outerBase)
    }

    /// The annotations when `instance` is valid against `schema`, nil when not.
    mutating func evaluate(_ instance: JSONValue, _ schema: JSONValue, outerBase: String) -> Annotations? {
        guard step() else { return nil }
        guard case .object(let s) = schema else {
            if schema == .bool(false) {
                fail("false", "is not allowed here (the schema is false)")
                return nil
            }
            return Annotations()
        }
        guard instancePath.count <= Self.depthLimit else {
            fail("", "is nested more than \(Self.depthLimit) levels deep")
            return nil
        }
        let base = index.baseInside(schema, outerBase: outerBase)
        var annotations = Annotations()
        var valid = true

        if let ref = s["$ref"]?.stringValue {
            if !evaluateRef(ref, instance, base: base, into: &annotations) {
                valid = false
                if stopsAtFirstFailure { return nil }
            }
            // In draft-07, `$ref` replaces every keyword beside it.
            if draft == .draft7 { return valid ? annotations : nil }
        }

        if !checkGeneric(instance, s) { valid = false; if stopsAtFirstFailure { return nil } }
        switch instance {
        case .number(let number):
            if !checkNumber(number, s) { valid = false; if stopsAtFirstFailure { return nil } }
        case .string(let text):
            if !checkString(text, s) { valid = false; if stopsAtFirstFailure { return nil } }
        case .array(let elements):
            if !checkArray(elements, s, base: base, into: &annotations) { valid = false; if stopsAtFirstFailure { return nil } }
        case .object(let members):
            if !checkObject(members, s, base: base, into: &annotations) { valid = false; if stopsAtFirstFailure { return nil } }
        default:
            break
        }
        if !checkApplicators(instance, s, base: base, into: &annotations) { valid = false; if stopsAtFirstFailure { return nil } }
        if draft == .draft2020_12 {
            if case .array(let elements) = instance, let unevaluated = s["unevaluatedItems"] {
                if !checkUnevaluatedItems(elements, unevaluated, base: base, into: &annotations) { valid = false }
            }
            if case .object(let members) = instance, let unevaluated = s["unevaluatedProperties"] {
                if !checkUnevaluatedProperties(members, unevaluated, base: base, into: &annotations) { valid = false }
            }
        }
        return valid ? annotations : nil
    }

    mutating func evaluateRef(_ ref: String, _ instance: JSONValue, base: String, into annotations: inout Annotations) -> Bool {
        guard let target = index.target(of: ref, base: base) else {
            fail("$ref", "refers to \"\(ref)\", which cannot be resolved")
            return false
        }
        guard refDepth < Self.depthLimit else {
            fail("$ref", "follows $ref more than \(Self.depthLimit) times without end")
            return false
        }
        refDepth += 1
        defer { refDepth -= 1 }
        guard let found = evaluate(instance, target.schema, outerBase: target.base, keywords: ["$ref"]) else { return false }
        if tracksAnnotations { annotations.merge(found) }
        return true
    }

    // MARK: Applicators

    mutating func checkApplicators(_ instance: JSONValue, _ s: [String: JSONValue], base: String,
                                   into annotations: inout Annotations) -> Bool {
        var valid = true
        if let all = s["allOf"]?.arrayValue {
            for (i, sub) in all.enumerated() {
                if let found = evaluate(instance, sub, outerBase: base, keywords: ["allOf", String(i)]) {
                    if tracksAnnotations { annotations.merge(found) }
                } else {
                    valid = false
                    if stopsAtFirstFailure { return false }
                }
            }
        }
        if let any = s["anyOf"]?.arrayValue {
            var matched = false
            for (i, sub) in any.enumerated() {
                let found = silently { $0.evaluate(instance, sub, outerBase: base, keywords: ["anyOf", String(i)]) }
                if let found {
                    matched = true
                    if tracksAnnotations { annotations.merge(found) } else { break }
                }
            }
            if !matched {
                fail("anyOf", "must match a schema in anyOf")
                valid = false
                if stopsAtFirstFailure { return false }
            }
        }
        if let one = s["oneOf"]?.arrayValue {
            var matches: [Int] = []
            var matchedAnnotations = Annotations()
            for (i, sub) in one.enumerated() {
                if let found = silently({ $0.evaluate(instance, sub, outerBase: base, keywords: ["oneOf", String(i)]) }) {
                    matches.append(i)
                    matchedAnnotations = found
                    if matches.count > 1 { break }
                }
            }
            if matches.count == 1 {
                if tracksAnnotations { annotations.merge(matchedAnnotations) }
            } else {
                fail("oneOf", matches.isEmpty ? "must match exactly one schema in oneOf (it matches none)"
                    : "must match exactly one schema in oneOf (it matches #\(matches[0]) and #\(matches[1]))")
                valid = false
                if stopsAtFirstFailure { return false }
            }
        }
        if let not = s["not"] {
            if silently({ $0.evaluate(instance, not, outerBase: base, keywords: ["not"]) }) != nil {
                fail("not", "must NOT be valid against the \"not\" schema")
                valid = false
                if stopsAtFirstFailure { return false }
            }
        }
        if let condition = s["if"] {
            let found = silently { $0.evaluate(instance, condition, outerBase: base, keywords: ["if"]) }
            let branch = found != nil ? "then" : "else"
            if let found, tracksAnnotations { annotations.merge(found) }
            if let consequence = s[branch] {
                if let result = evaluate(instance, consequence, outerBase: base, keywords: [branch]) {
                    if tracksAnnotations { annotations.merge(result) }
                } else {
                    fail(branch, "must match the \"\(branch)\" schema")
                    valid = false
                    if stopsAtFirstFailure { return false }
                }
            }
        }
        return valid
    }

    // MARK: unevaluated*

    mutating func checkUnevaluatedItems(_ elements: [JSONValue], _ schema: JSONValue, base: String,
                                        into annotations: inout Annotations) -> Bool {
        var valid = true
        for i in annotations.itemPrefix..<max(annotations.itemPrefix, elements.count) where !annotations.itemIndices.contains(i) {
            if evaluate(elements[i], schema, outerBase: base, keywords: ["unevaluatedItems"], instanceStep: String(i)) == nil {
                valid = false
                if stopsAtFirstFailure { return false }
            }
        }
        annotations.itemPrefix = max(annotations.itemPrefix, elements.count)
        return valid
    }

    mutating func checkUnevaluatedProperties(_ members: [String: JSONValue], _ schema: JSONValue, base: String,
                                             into annotations: inout Annotations) -> Bool {
        var valid = true
        for name in members.keys.sorted() where !annotations.properties.contains(name) {
            if schema == .bool(false) {
                fail("unevaluatedProperties", "must NOT have unevaluated property '\(name)'")
                valid = false
                if stopsAtFirstFailure { return false }
            } else if evaluate(members[name]!, schema, outerBase: base, keywords: ["unevaluatedProperties"], instanceStep: name) == nil {
                valid = false
                if stopsAtFirstFailure { return false }
            }
            annotations.properties.insert(name)
        }
        return valid
    }
}
