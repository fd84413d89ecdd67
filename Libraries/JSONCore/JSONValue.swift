import Foundation

/// Any JSON value: the type of a test case's `vars` and of an assertion's `value`.
///
/// Numbers are `Double`, as in the JavaScript that promptfoo's files are written for, but integral
/// numbers are written back without a fraction (`3`, never `3.0`), so a value survives a round trip
/// through storage and the API unchanged. Integers beyond ±2^53 lose precision, as in JavaScript.
///
/// Objects are unordered in memory, so equality and hashing ignore key order (which is exactly what
/// the structural comparison of `equals` needs). Strings are equal when their Unicode scalars are
/// (as in JavaScript and JSON Schema), not merely canonically equivalent as Swift's `==` has it:
/// "é" and "e\u{301}" are different values. `jsonText` always writes keys sorted, so the same
/// value always produces the same text; through `Codable`, key order is the encoder's (Foundation's
/// `JSONEncoder` needs `.sortedKeys` for stable text).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

// MARK: - Equality

extension JSONValue {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let b):
            hasher.combine(1 as UInt8)
            hasher.combine(b)
        case .number(let d):
            hasher.combine(2 as UInt8)
            hasher.combine(d)
        case .string(let s):
            hasher.combine(3 as UInt8)
            hasher.combine(s.utf8.count)
            var copy = s
            copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        case .array(let a):
            hasher.combine(4 as UInt8)
            hasher.combine(a)
        case .object(let o):
            hasher.combine(5 as UInt8)
            hasher.combine(o)
        }
    }
}

// MARK: - Accessors

extension JSONValue {
    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    /// The number, if this is a number.
    public var doubleValue: Double? {
        if case .number(let d) = self { d } else { nil }
    }

    /// The number as an `Int`, if this is a number with no fractional part that fits exactly.
    public var intValue: Int? {
        if case .number(let d) = self, let i = Self.exactInteger(d) { Int(exactly: i) } else { nil }
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { a } else { nil }
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { o } else { nil }
    }

    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The element at `index`, if this is an array long enough.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// The value reached by following object members `path` (`["user", "name"]`), or nil when a step is missing.
    public func value(at path: some Sequence<String>) -> JSONValue? {
        var current = self
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// `d` as an integer when it has no fractional part and is within ±2^53, where every integer is exact.
    public static func exactInteger(_ d: Double) -> Int64? {
        guard d.isFinite, d.rounded(.towardZero) == d, abs(d) <= 9_007_199_254_740_992 else { return nil }
        return Int64(d)
    }
}

// MARK: - Parsing

extension JSONValue {
    /// Parses JSON text (any value, not only objects; spaces around it allowed) with `JSONParser`.
    /// Throws a `JSONParseError` saying where and why when `text` is not JSON.
    public init(parsing text: String) throws {
        self = try JSONParser.parse(text)
    }
}

// MARK: - Codable

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else if let o = try? container.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// Integral numbers are encoded as integers; non-finite numbers, which JSON cannot carry, as `null`
    /// (what JavaScript's `JSON.stringify` does). Object members are handed to the encoder in sorted
    /// order; whether it keeps that order is up to it.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let d):
            var c = encoder.singleValueContainer()
            if let i = Self.exactInteger(d) {
                try c.encode(i)
            } else if d.isFinite {
                try c.encode(d)
            } else {
                try c.encodeNil()
            }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let a):
            var c = encoder.unkeyedContainer()
            for element in a { try c.encode(element) }
        case .object(let o):
            var c = encoder.container(keyedBy: JSONKey.self)
            for key in o.keys.sorted() { try c.encode(o[key], forKey: JSONKey(key)) }
        }
    }

    /// A coding key for arbitrary object member names.
    private struct JSONKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A repeated key keeps its last value, as in a JSON parser.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
