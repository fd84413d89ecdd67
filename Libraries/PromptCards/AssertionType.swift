/// An assertion type name split into its base type and promptfoo's `not-` prefix.
///
/// Every type can be negated: `not-contains` passes when `contains` fails, and its score is
/// 1 minus the base score. The engine does the inversion, so evaluators only implement the base type.
public struct AssertionType: Sendable, Hashable, CustomStringConvertible {
    /// The prefix that inverts a type.
    public static let negationPrefix = "not-"
    /// The group type, handled by the engine itself (it cannot be negated).
    public static let setTypeName = "assert-set"

    /// The type without `not-`: `contains`.
    public let baseName: String
    /// Whether the name had the `not-` prefix.
    public let isNegated: Bool

    public init(baseName: String, isNegated: Bool = false) {
        self.baseName = baseName
        self.isNegated = isNegated
    }

    /// Splits `raw` and checks that its base type is one `registry` knows.
    public init(parsing raw: String, registry: AssertionRegistry = .standard) throws(AssertionTypeError) {
        let negated = raw.hasPrefix(Self.negationPrefix)
        let base = negated ? String(raw.dropFirst(Self.negationPrefix.count)) : raw
        guard !raw.isEmpty else { throw AssertionTypeError(type: raw) }
        guard registry.evaluator(named: base) != nil || (raw == Self.setTypeName) else { throw AssertionTypeError(type: raw) }
        self.init(baseName: base, isNegated: negated)
    }

    /// The name as written in a test file: `not-contains`.
    public var name: String { isNegated ? Self.negationPrefix + baseName : baseName }

    public var description: String { name }
}

/// An assertion type name that is empty or not known to the registry.
public struct AssertionTypeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name as written.
    public let type: String

    public init(type: String) {
        self.type = type
    }

    /// `unknown assertion type "foo"`, or `assertion type is required` for an empty name.
    public var reason: String {
        type.isEmpty ? "assertion type is required" : "unknown assertion type \"\(type)\""
    }

    public var description: String { reason }
}
