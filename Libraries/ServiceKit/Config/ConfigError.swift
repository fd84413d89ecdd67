/// A configuration problem found at start-up. Its description is the one line a daemon
/// prints before it exits, naming the variable and the reason (never a secret's value).
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let variable: String
    public let reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable): \(reason)" }
}
