/// Reading promptfoo's `provider` field: which model grades an assertion.
///
/// The value is a model name (`"smollm2"`), an object naming one (`{"id": "smollm2"}`), or an
/// object with one model per use (`{"text": "smollm2", "embedding": {"id": "smollm2"}}`),
/// as promptfoo's `answer-relevance` takes. The assertion's own provider wins over the suite's
/// default (`AssertionContext.defaultProvider`); with neither, the grader chooses.
public enum GraderProvider {
    /// What a model is used for.
    enum Use: String {
        case text, embedding
    }

    /// The model for `use`.
    static func model(for use: Use, assertion: Assertion, context: AssertionContext) -> String? {
        model(for: use, in: assertion.provider) ?? model(for: use, in: context.defaultProvider)
    }

    static func model(for use: Use, in provider: JSONValue?) -> String? {
        switch provider {
        case .string(let name)?:
            return name.isEmpty ? nil : name
        case .object(let members)?:
            if let specific = members[use.rawValue] { return model(for: use, in: specific) }
            return members["id"]?.stringValue
        default:
            return nil
        }
    }

    /// What is wrong with a `provider` value, if anything.
    public static func problem(_ provider: JSONValue) -> String? {
        switch provider {
        case .string(let name):
            return name.isEmpty ? "provider must name a model" : nil
        case .object(let members):
            if let id = members["id"], id.stringValue?.isEmpty != false { return "provider.id must be a model name" }
            for use in [Use.text, .embedding] {
                if let specific = members[use.rawValue], problem(specific) != nil {
                    return "provider.\(use.rawValue) must be a model name or {\"id\": name}"
                }
            }
            if members["id"] == nil && members["text"] == nil && members["embedding"] == nil {
                return "provider must have an id (or text / embedding models)"
            }
            return nil
        default:
            return "provider must be a model name or an object with an id"
        }
    }
}
