import Foundation

/// Keeps credentials out of log lines: a request URI is logged with the values of its
/// token-like query parameters (`access_token`, which browsers must use on realtime's `/ws`
/// and `/events`, `refresh_token`, `api_key`, `password`, …) replaced by `[REDACTED]`.
/// nginx's access log applies the same rule (nginx/snippets/maps.conf).
public enum LogRedaction {
    public static let marker = "[REDACTED]"

    /// `uri` with every token-like query parameter's value replaced by `marker`.
    public static func uri(_ uri: String) -> String {
        guard let questionMark = uri.firstIndex(of: "?") else { return uri }
        let query = uri[uri.index(after: questionMark)...]
        let parameters = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter in
            guard let equals = parameter.firstIndex(of: "="), isSecret(parameter: parameter[..<equals]) else {
                return parameter
            }
            return parameter[...equals] + marker
        }
        return uri[...questionMark] + parameters.joined(separator: "&")
    }

    /// Whether a query parameter of this name carries a credential.
    public static func isSecret(parameter rawName: some StringProtocol) -> Bool {
        let name = (String(rawName).removingPercentEncoding ?? String(rawName)).lowercased()
        if exactNames.contains(name) { return true }
        return fragments.contains { name.contains($0) }
    }

    private static let exactNames: Set<String> = ["key", "sig", "auth", "code", "jwt"]
    private static let fragments = ["token", "secret", "password", "passwd", "apikey", "api_key", "api-key",
                                    "signature", "credential"]
}
