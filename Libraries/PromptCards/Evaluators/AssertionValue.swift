import JSONSchema

/// Reading an assertion's `value` the way the built-in evaluators need it, with the same
/// wording in validation and evaluation.
extension Assertion {
    /// The value as non-empty text: a string, or a number's JSON text when `allowNumber` is set.
    /// promptfoo rejects a missing or empty value for these types, so this does too.
    func requiredText(allowNumber: Bool, allowEmpty: Bool = false) -> Result<String, AssertionIssue> {
        let kinds = allowNumber ? "a string or a number" : "a string"
        switch value {
        case nil:
            return .failure(AssertionIssue(field: "value", reason: "value is required"))
        case .string(let s)?:
            return s.isEmpty && !allowEmpty ? .failure(AssertionIssue(field: "value", reason: "value must not be empty")) : .success(s)
        case .number(let d)? where allowNumber:
            return .success(JSONValue.numberText(d))
        case .some:
            return .failure(AssertionIssue(field: "value", reason: "value must be \(kinds)"))
        }
    }
}

/// Quoting for reasons: the text in double quotes, cut to `limit` characters so a 1 MB output or
/// value does not end up in every reason.
func quoted(_ text: String, limit: Int = 200) -> String {
    guard text.count > limit else { return "\"\(text)\"" }
    return "\"\(text.prefix(limit))…\" (\(text.count) characters)"
}

extension Assertion {
    /// The value as a list of texts, for `contains-any`/`contains-all`: an array of strings
    /// and numbers, or one string of comma-separated values (`"a, b"`; a value that contains a
    /// comma is written in double quotes), as promptfoo reads it.
    func requiredTextList() -> Result<[String], AssertionIssue> {
        let kinds = "value must be an array of strings (or numbers), or a string of comma-separated values"
        switch value {
        case nil:
            return .failure(AssertionIssue(field: "value", reason: "value is required"))
        case .string(let text)?:
            let items = Self.commaSeparated(text)
            return items.isEmpty ? .failure(AssertionIssue(field: "value", reason: "value must not be empty")) : .success(items)
        case .array(let elements)?:
            var items: [String] = []
            for (i, element) in elements.enumerated() {
                switch element {
                case .string(let s) where !s.isEmpty: items.append(s)
                case .number(let d): items.append(JSONValue.numberText(d))
                default: return .failure(AssertionIssue(field: "value[\(i)]", reason: "each value must be a non-empty string or a number"))
                }
            }
            return items.isEmpty ? .failure(AssertionIssue(field: "value", reason: "value must list at least one text")) : .success(items)
        case .some:
            return .failure(AssertionIssue(field: "value", reason: kinds))
        }
    }

    /// `a, "b, c", d` → `["a", "b, c", "d"]`; empty items dropped.
    static func commaSeparated(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        for character in text {
            switch character {
            case "\"":
                if quoted {
                    quoted = false
                } else if current.trimmingJSONSpace().isEmpty {
                    quoted = true
                    wasQuoted = true
                    current = ""
                } else {
                    current.append(character)
                }
            case "," where !quoted:
                let item = wasQuoted ? current : String(current.trimmingJSONSpace())
                if !item.isEmpty { items.append(item) }
                current = ""
                wasQuoted = false
            default:
                if wasQuoted && !quoted { continue }
                current.append(character)
            }
        }
        let last = wasQuoted ? current : String(current.trimmingJSONSpace())
        if !last.isEmpty { items.append(last) }
        return items
    }

    /// The JSON Schema in `value` for `is-json`/`contains-json`: nil when there is none (no
    /// value, or an empty string), a compiled schema, or the problem with it. A string value
    /// must be the schema's JSON text (promptfoo also reads YAML there; this does not).
    /// Compiling takes at most `steps` (`MAX_SCHEMA_STEPS`).
    func optionalSchema(steps: Budget = BudgetCatalog.schemaSteps.standard) -> Result<JSONSchema?, AssertionIssue> {
        let schemaValue: JSONValue
        switch value {
        case nil, .null?:
            return .success(nil)
        case .string(let text)?:
            if text.trimmingJSONSpace().isEmpty { return .success(nil) }
            guard let parsed = try? JSONValue(parsing: text) else {
                return .failure(AssertionIssue(field: "value", reason: "value must be a JSON Schema (an object, or its JSON text)"))
            }
            schemaValue = parsed
        case let other?:
            schemaValue = other
        }
        return Self.compileSchema(schemaValue, field: "value", steps: steps)
    }

    /// Compiles `schema` the way assertions use schemas: draft 2020-12 unless `$schema` says
    /// otherwise, with `format` checked (as promptfoo's validator, ajv with its formats, does).
    /// Compiling takes at most `steps`; a schema that would take more is an issue carrying that budget.
    static func compileSchema(_ schema: JSONValue, field: String, steps: Budget = BudgetCatalog.schemaSteps.standard)
        -> Result<JSONSchema?, AssertionIssue> {
        do {
            let options = JSONSchema.Options(assertFormats: true, compileSteps: steps)
            return .success(try JSONSchema(schema, options: options))
        } catch {
            if let exceeded = error.exceeded {
                return .failure(AssertionIssue(field: field, reason: exceeded.reason,
                                               exceeded: BudgetExceeded(budget: exceeded.budget, what: exceeded.what,
                                                                        field: field)))
            }
            return .failure(AssertionIssue(field: error.path.isEmpty ? field : "\(field).\(error.path)",
                                           reason: "invalid JSON Schema: \(error.reason)"))
        }
    }
}

extension JSONSchema {
    /// The first few validation errors of `instance`, as one line for a reason; nil when valid.
    /// The work is charged to `meter`; throws when it runs out.
    func problems(of instance: JSONValue, meter: WorkMeter) throws(BudgetExceeded) -> String? {
        let errors = try validate(instance, maxErrors: 5, meter: meter)
        return errors.isEmpty ? nil : errors.map(\.description).joined(separator: "; ")
    }
}
