/// One check on a model's output, in promptfoo's vocabulary and field names
/// (`type`, `value`, `threshold`, `weight`, `metric`), so promptfoo test files map one to one.
public struct Assertion: Sendable, Hashable, Codable {
    /// promptfoo's type name, possibly negated: `contains`, `not-contains`, `regex`…
    /// Kept as written; `AssertionType(parsing:)` interprets it.
    public var type: String
    /// What the output is checked against; its meaning depends on `type`.
    public var value: JSONValue?
    /// The score this assertion needs to pass, for types with graded scores (kept for them; the
    /// current types score 0 or 1 and ignore it).
    public var threshold: Double?
    /// How much this assertion counts in the test's score; nil means 1, 0 means "report only".
    public var weight: Double?
    /// Name under which this assertion's score is reported in `GradingResult.namedScores`.
    public var metric: String?

    public init(type: String, value: JSONValue? = nil, threshold: Double? = nil, weight: Double? = nil, metric: String? = nil) {
        self.type = type
        self.value = value
        self.threshold = threshold
        self.weight = weight
        self.metric = metric
    }

    /// `weight`, or promptfoo's default of 1.
    public var effectiveWeight: Double { weight ?? 1 }

    enum CodingKeys: String, CodingKey {
        case type, value, threshold, weight, metric
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
    }

    /// Writes only the fields that are set.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(threshold, forKey: .threshold)
        try c.encodeIfPresent(weight, forKey: .weight)
        try c.encodeIfPresent(metric, forKey: .metric)
    }
}
