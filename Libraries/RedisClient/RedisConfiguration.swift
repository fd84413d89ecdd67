/// Where Redis is and how to talk to it; usually built from a `redis://` URL in service config.
public struct RedisConfiguration: Sendable, Equatable {
    /// Host name or IP address of the server.
    public var host: String
    /// TCP port of the server.
    public var port: Int
    /// ACL user for `AUTH user password` (Redis 6+); nil sends the one-argument `AUTH password`.
    public var username: String?
    /// Password for `AUTH`; nil means no `AUTH` is sent.
    public var password: String?
    /// Database index chosen with `SELECT` on every new connection.
    public var database: Int
    /// Most connections the client keeps open at once; further callers wait their turn.
    public var poolSize: Int
    /// How long a TCP connect may take before the call fails with `RedisError.connection`.
    public var connectTimeout: Duration
    /// A subscriber that lost Redis waits this long before its first reconnect, then twice
    /// as long each time, up to `maximumReconnectDelay`.
    public var firstReconnectDelay: Duration = .milliseconds(50)
    public var maximumReconnectDelay: Duration = .seconds(2)

    /// Spells out every setting; the defaults match a local, password-less Redis.
    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        poolSize: Int = 16,
        connectTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
    }

    /// Where Redis is unless configured otherwise.
    public static let defaultURL = "redis://127.0.0.1:6379/0"

    /// Parses `redis://[user[:password]@]host[:port][/db]` (user and password percent-decoded,
    /// IPv6 hosts in brackets). Throws `RedisConfigurationError` with the reason for anything
    /// else, including `rediss://`, because hiredis 0.14 has no TLS support.
    public init(url: String) throws(RedisConfigurationError) {
        self.init()
        guard let schemeEnd = url.range(of: "://") else {
            throw RedisConfigurationError("missing scheme: expected redis://host[:port][/db]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        if scheme == "rediss" {
            throw RedisConfigurationError(
                "rediss:// (TLS) is not supported: hiredis 0.14 has no TLS; use redis:// on a trusted network")
        }
        guard scheme == "redis" else {
            throw RedisConfigurationError("unsupported scheme \"\(scheme)\": expected redis://")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        if rest.contains("?") || rest.contains("#") {
            throw RedisConfigurationError("query strings and fragments are not supported")
        }

        // Split authority from the optional "/db" path.
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        // Split credentials from host:port; the last "@" wins because passwords may contain "@".
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = try Self.percentDecoded(userInfo[..<colon])
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                let user = try Self.percentDecoded(userInfo)
                username = user.isEmpty ? nil : user
            }
        }

        // Host, with IPv6 literals in brackets: [::1]:6379.
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw RedisConfigurationError("unterminated IPv6 address in host")
            }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let afterHost = rest[rest.index(after: close)...]
            if afterHost.hasPrefix(":") {
                portText = afterHost.dropFirst()
            } else if !afterHost.isEmpty {
                throw RedisConfigurationError("unexpected text after IPv6 address")
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else { throw RedisConfigurationError("missing host") }

        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let number = Int(portText) else {
                throw RedisConfigurationError("port \"\(portText)\" is not a number")
            }
            guard (1...65535).contains(number) else {
                throw RedisConfigurationError("port \(number) is out of range 1-65535")
            }
            port = number
        }

        if !path.isEmpty {
            guard path.allSatisfy(\.isASCII), let number = Int(path), number >= 0 else {
                throw RedisConfigurationError("database \"\(path)\" is not a non-negative integer")
            }
            database = number
        }
    }

    /// Decodes `%XX` escapes so passwords may contain reserved characters such as `@` or `/`.
    private static func percentDecoded(_ text: Substring) throws(RedisConfigurationError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw RedisConfigurationError("bad percent-escape in credentials")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw RedisConfigurationError("credentials are not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Why a Redis URL was rejected. The message never repeats the URL, so passwords stay out of logs.
public struct RedisConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the URL, in words.
    public let reason: String

    /// Wraps a reason.
    public init(_ reason: String) { self.reason = reason }

    /// "invalid Redis URL: <reason>".
    public var description: String { "invalid Redis URL: \(reason)" }
}
