/// Why some text is not JSON, and where: the byte offset of the first byte that does not fit.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// UTF-8 bytes before the problem.
    public let offset: Int
    /// What is wrong, for people: `expected "," or "}" after an object member`.
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "reason at byte N".
    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict JSON parser (RFC 8259) working on UTF-8 bytes, with a nesting limit.
///
/// Foundation's decoders would do for well-behaved input, but the assertion engine parses
/// whatever a model wrote: a million nested `[` must fail quickly instead of exhausting the
/// stack, and `contains-json` needs to parse a value that starts in the middle of a text and
/// learn where it ends. Duplicate object keys keep the last value (as `JSON.parse` does);
/// a lone UTF-16 surrogate escape becomes U+FFFD, since a Swift string cannot hold it.
public enum JSONParser {
    /// The default nesting limit: deeper arrays and objects are rejected.
    public static let defaultMaxDepth = 512

    /// Parses `text` as one JSON value, with only whitespace around it.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONParseError> = copy.withUTF8 { bytes in
            var parser = Parser(bytes: bytes, maxDepth: maxDepth)
            return Result { () throws(JSONParseError) -> JSONValue in
                parser.skipWhitespace()
                let value = try parser.parseValue(depth: 0)
                parser.skipWhitespace()
                guard parser.index == bytes.count else {
                    throw parser.error("unexpected text after the JSON value")
                }
                return value
            }
        }
        return try result.get()
    }

    /// Every JSON object and array found in `text`, in order: at each `{` or `[` the value
    /// starting there is parsed, and the search continues after it (or after the bracket when
    /// nothing parses). This is how `contains-json` finds JSON in prose or code fences.
    ///
    /// `workLimit` bounds the bytes examined over all attempts (by default four times the text,
    /// between 1 and 16 MB), so that text made to be expensive (a megabyte of `[`) cannot stall
    /// the caller; `complete` is false when the search stopped there.
    public static func containedValues(in text: String, workLimit: Int? = nil,
                                       maxDepth: Int = defaultMaxDepth) -> (values: [JSONValue], complete: Bool) {
        let workLimit = workLimit ?? min(16 << 20, max(1 << 20, 4 * text.utf8.count))
        var copy = text
        return copy.withUTF8 { bytes in
            var values: [JSONValue] = []
            var work = 0
            var start = 0
            while start < bytes.count {
                let byte = bytes[start]
                guard byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") else {
                    start += 1
                    continue
                }
                var parser = Parser(bytes: bytes, maxDepth: maxDepth)
                parser.index = start
                if let value = try? parser.parseValue(depth: 0) {
                    values.append(value)
                    work += parser.index - start
                    start = parser.index
                } else {
                    work += max(parser.furthest - start, 1)
                    start += 1
                }
                if work > workLimit { return (values, false) }
            }
            return (values, true)
        }
    }

    /// The recursive-descent parser over one buffer.
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var index = 0
        /// The furthest byte examined, to account the work of a failed attempt.
        var furthest = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func error(_ reason: String) -> JSONParseError {
            JSONParseError(offset: index, reason: reason)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            defer { furthest = max(furthest, index) }
            guard index < bytes.count else { throw error("unexpected end of text: expected a JSON value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("unexpected character: expected a JSON value")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("unexpected end of text in a literal") }
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
            for offset in 0..<count where bytes[index + offset] != expected[offset] {
                index += offset
                throw error("invalid literal: expected \(literal)")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
            index += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a string key in an object")
                }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected \":\" after an object key") }
                index += 1
                skipWhitespace()
                members[key] = try parseValue(depth: depth)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of text in an object") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                default: throw error("expected \",\" or \"}\" after an object member")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of text in an array") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                default: throw error("expected \",\" or \"]\" after an array element")
                }
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> Double {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: expected a digit") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: expected a digit after \".\"") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: expected an exponent") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text) else { throw JSONParseError(offset: start, reason: "invalid number") }
            return value
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func parseString() throws(JSONParseError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character in a string: escape it") }
                index += 1
            }
            guard index < bytes.count else { throw error("unterminated string") }
            var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(decoding: buffer, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw error("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): buffer.append(0x22)
                    case UInt8(ascii: "\\"): buffer.append(0x5C)
                    case UInt8(ascii: "/"): buffer.append(0x2F)
                    case UInt8(ascii: "b"): buffer.append(0x08)
                    case UInt8(ascii: "f"): buffer.append(0x0C)
                    case UInt8(ascii: "n"): buffer.append(0x0A)
                    case UInt8(ascii: "r"): buffer.append(0x0D)
                    case UInt8(ascii: "t"): buffer.append(0x09)
                    case UInt8(ascii: "u"): appendScalar(try parseUnicodeEscape(), to: &buffer)
                    default:
                        index -= 1
                        throw error("invalid escape in a string")
                    }
                default:
                    if byte < 0x20 { throw error("control character in a string: escape it") }
                    buffer.append(byte)
                    index += 1
                }
            }
            throw error("unterminated string")
        }

        /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair.
        mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
            let first = try parseHex4()
            if (0xD800...0xDBFF).contains(first) {
                if index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let saved = index
                    index += 2
                    let second = try parseHex4()
                    if (0xDC00...0xDFFF).contains(second) {
                        let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                        return Unicode.Scalar(value) ?? "\u{FFFD}"
                    }
                    index = saved
                }
                return "\u{FFFD}"
            }
            return Unicode.Scalar(first) ?? "\u{FFFD}"
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("invalid hex digit in a \\u escape")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }

        func appendScalar(_ scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
            for unit in UTF8.encode(scalar)! { buffer.append(unit) }
        }
    }
}
