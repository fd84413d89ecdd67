/// One check on a model's output, in promptfoo's vocabulary and field names
/// (`type`, `value`, `threshold`, `weight`, `metric`, `provider`, `config`, and `assert` for an
/// `assert-set`), so promptfoo test files map one to one.
public struct Assertion: Sendable, Hashable, Codable {
    /// promptfoo's type name, possibly negated: `contains`, `not-contains`, `regex`…
    /// Kept as written; `AssertionType(parsing:)` interprets it.
    public var type: String
    /// What the output is checked against; its meaning depends on `type`.
    public var value: JSONValue?
    /// The type's limit: the minimum score of graded types (`similar`, `rouge-n`, `llm-rubric`, an
    /// `assert-set`), the maximum of `levenshtein` (distance), `latency` (ms) and `cost` (dollars).
    public var threshold: Double?
    /// How much this assertion counts in the test's score; nil means 1, 0 means "report only".
    public var weight: Double?
    /// Name under which this assertion's score is reported in `GradingResult.namedScores`.
    public var metric: String?
    /// For model-graded types, the model that grades (`"smollm2"`, `"openai/gpt-4o-mini"`), as
    /// promptfoo's `provider`: a model name, `{id: name}`, or `{text: …, embedding: …}` naming
    /// one model per use. Nil means the suite's default.
    public var provider: JSONValue?
    /// Free-form settings some types read (`is-valid-openai-tools-call` takes `tools` from here).
    public var config: JSONValue?
    /// promptfoo's output transform, a JavaScript expression. Kept so that a test file
    /// round-trips, but never run: an assertion that has one fails validation.
    public var transform: String?
    /// The grouped assertions of an `assert-set`.
    public var assert: [Assertion]?

    public init(type: String, value: JSONValue? = nil, threshold: Double? = nil, weight: Double? = nil, metric: String? = nil,
                provider: JSONValue? = nil, config: JSONValue? = nil, transform: String? = nil, assert: [Assertion]? = nil) {
        self.type = type
        self.value = value
        self.threshold = threshold
        self.weight = weight
        self.metric = metric
        self.provider = provider
        self.config = config
        self.transform = transform
        self.assert = assert
    }

    /// An `assert-set`: `assertions` graded together, passing on `threshold` (a minimum
    /// weighted score) or, without one, when all of them pass.
    public static func set(_ assertions: [Assertion], threshold: Double? = nil, weight: Double? = nil,
                           metric: String? = nil) -> Assertion {
        Assertion(type: AssertionType.setTypeName, threshold: threshold, weight: weight, metric: metric, assert: assertions)
    }

    /// `weight`, or promptfoo's default of 1.
    public var effectiveWeight: Double { weight ?? 1 }

    enum CodingKeys: String, CodingKey {
        case type, value, threshold, weight, metric, provider, config, transform, assert
    }

    /// Rejects an assertion whose `type` is missing or not a string, saying so; other unknown
    /// fields are ignored. A `null` value decodes as nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.type) else {
            throw DecodingError.keyNotFound(CodingKeys.type, DecodingError.Context(
                codingPath: c.codingPath, debugDescription: "assertion has no \"type\" (for example \"contains\")"))
        }
        guard let type = try? c.decode(String.self, forKey: .type) else {
            throw DecodingError.typeMismatch(String.self, DecodingError.Context(
                codingPath: c.codingPath + [CodingKeys.type], debugDescription: "assertion \"type\" must be a string"))
        }
        self.type = type
        value = try c.decodeIfPresent(JSONValue.self, forKey: .value)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        weight = try c.decodeIfPresent(Double.self, forKey: .weight)
        metric = try c.decodeIfPresent(String.self, forKey: .metric)
        provider = try c.decodeIfPresent(JSONValue.self, forKey: .provider)
        config = try c.decodeIfPresent(JSONValue.self, forKey: .config)
        transform = try c.decodeIfPresent(String.self, forKey: .transform)
        assert = try c.decodeIfPresent([Assertion].self, forKey: .assert)
    }

    /// Writes only the fields that are set.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(threshold, forKey: .threshold)
        try c.encodeIfPresent(weight, forKey: .weight)
        try c.encodeIfPresent(metric, forKey: .metric)
        try c.encodeIfPresent(provider, forKey: .provider)
        try c.encodeIfPresent(config, forKey: .config)
        try c.encodeIfPresent(transform, forKey: .transform)
        try c.encodeIfPresent(assert, forKey: .assert)
    }
}
