/// One Redis reply (RESP2), copied out of hiredis so it outlives the C reply object.
public enum RESPValue: Sendable, Equatable, Hashable {
    /// A simple status reply such as `+OK` or `+PONG`.
    case status(String)
    /// An error reply such as `-ERR ...`; only seen inside pipelines and arrays,
    /// because a top-level error reply is thrown as `RedisError.server`.
    case error(String)
    /// An integer reply such as `:42`.
    case integer(Int)
    /// A bulk string, kept as raw bytes so binary values survive untouched.
    case bulk([UInt8])
    /// A nil bulk string or nil array (a missing key, a timed-out blocking read).
    case null
    /// A multi-bulk reply, possibly nested (streams, XAUTOCLAIM, EXEC).
    case array([RESPValue])
}

extension RESPValue {
    /// Builds a bulk string from UTF-8 text, handy when comparing replies in tests.
    public static func bulk(_ text: String) -> RESPValue { .bulk(Array(text.utf8)) }

    /// The text of a status or bulk reply, or nil for other replies and invalid UTF-8.
    public var string: String? {
        switch self {
        case .status(let text): return text
        case .bulk(let bytes): return String(validating: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The number in an integer reply, or in a status/bulk reply whose text parses as one
    /// (Redis returns numbers as bulk strings from commands such as `GET` and `HGET`).
    public var int: Int? {
        switch self {
        case .integer(let value): return value
        case .bulk, .status: return string.flatMap { Int($0) }
        default: return nil
        }
    }

    /// The raw bytes of a bulk reply (or the UTF-8 of a status reply), nil otherwise.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// The elements of an array reply, nil otherwise.
    public var array: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// True for a nil reply, which Redis uses for "no such key" and "blocking read timed out".
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The message of an error reply (as found inside pipelines), nil otherwise.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}

extension RESPValue: CustomStringConvertible {
    /// A compact, human-readable rendering for logs and test failures.
    public var description: String {
        switch self {
        case .status(let text): return "+\(text)"
        case .error(let message): return "-\(message)"
        case .integer(let value): return ":\(value)"
        case .bulk(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) { return "\"\(text)\"" }
            return "<\(bytes.count) bytes>"
        case .null: return "(nil)"
        case .array(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
