import Foundation
import Logging

/// Typed access to environment variables, the only configuration source (12-factor).
/// Every accessor fails with a `ConfigError` that names the variable and the reason.
public struct EnvironmentReader: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The trimmed value, or nil when unset or blank.
    public func optional(_ name: String) -> String? {
        guard let raw = values[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }

    public func string(_ name: String, default fallback: String) -> String {
        optional(name) ?? fallback
    }

    public func required(_ name: String) throws(ConfigError) -> String {
        guard let value = optional(name) else {
            throw ConfigError(variable: name, reason: "is required but not set")
        }
        return value
    }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let raw = optional(name) else { return fallback }
        guard let value = Int(raw) else {
            throw ConfigError(variable: name, reason: "must be an integer, got \"\(raw)\"")
        }
        guard range.contains(value) else {
            throw ConfigError(variable: name, reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off` (any case); anything else is an error.
    public func bool(_ name: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let raw = optional(name) else { return fallback }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigError(variable: name, reason: "must be 1 or 0 (true or false), got \"\(raw)\"")
        }
    }

    public func double(_ name: String, default fallback: Double, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let raw = optional(name) else { return fallback }
        guard let value = Double(raw), range.contains(value) else {
            throw ConfigError(variable: name, reason: "must be a number between \(range.lowerBound) and \(range.upperBound), got \"\(raw)\"")
        }
        return value
    }

    /// An absolute http(s) URL without a trailing slash, so callers can append paths.
    public func httpURL(_ name: String, default fallback: String? = nil) throws(ConfigError) -> String {
        guard let raw = optional(name) ?? fallback else {
            throw ConfigError(variable: name, reason: "is required but not set")
        }
        return try Self.validateHTTPURL(raw, variable: name)
    }

    public func optionalHTTPURL(_ name: String) throws(ConfigError) -> String? {
        guard let raw = optional(name) else { return nil }
        return try Self.validateHTTPURL(raw, variable: name)
    }

    /// A secret: required, at least `minimumLength` characters, not an example value from the
    /// repository and not guessable (`SecretStrength`: at least 128 bits estimated), since
    /// whoever knows a signing key can forge any token. Its value never appears in errors.
    public func secret(_ name: String, minimumLength: Int) throws(ConfigError) -> String {
        let value = try required(name)
        guard value.count >= minimumLength else {
            throw ConfigError(variable: name, reason: "must be at least \(minimumLength) characters long")
        }
        if let weakness = SecretStrength.weakness(of: value) {
            throw ConfigError(variable: name, reason: weakness)
        }
        return value
    }

    public func logLevel(_ name: String = "LOG_LEVEL") throws(ConfigError) -> Logger.Level {
        guard let raw = optional(name) else { return .info }
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigError(variable: name, reason: "must be one of \(names), got \"\(raw)\"")
        }
        return level
    }

    static func validateHTTPURL(_ raw: String, variable: String) throws(ConfigError) -> String {
        guard let components = URLComponents(string: raw),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else {
            throw ConfigError(variable: variable, reason: "must be an http(s) URL, got \"\(raw)\"")
        }
        var trimmed = raw
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }
}

extension EnvironmentReader {
    /// A value turned into a typed configuration by `parse` (a database or Redis URL, say);
    /// whatever `parse` throws becomes a `ConfigError` naming the variable. The parser's
    /// message must not contain the value, which may hold a password.
    public func parsed<T>(_ name: String, default fallback: String? = nil,
                          _ parse: (String) throws -> T) throws(ConfigError) -> T {
        guard let raw = optional(name) ?? fallback else {
            throw ConfigError(variable: name, reason: "is required but not set")
        }
        do {
            return try parse(raw)
        } catch {
            throw ConfigError(variable: name, reason: String(describing: error))
        }
    }
}
