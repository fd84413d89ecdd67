import Foundation

/// The shape a webhook URL must have wherever one is given (a card, a run, a `run.start`
/// or `webhook.deliver` job). Where it points is checked when it is called, after its name
/// is resolved (`WebhookTarget`): a name that resolves to a private address today may not
/// have when it was stored.
public enum WebhookURL {
    public static let maxLength = 2048

    /// Why `raw` is not a usable webhook URL, or nil when it is one.
    public static func problem(_ raw: String) -> String? {
        guard raw.utf8.count <= maxLength else { return "must be at most \(maxLength) bytes" }
        guard let url = URLComponents(string: raw), let scheme = url.scheme?.lowercased() else {
            return "must be an absolute http or https URL"
        }
        guard scheme == "http" || scheme == "https" else { return "must use http or https, not \(scheme)" }
        guard let host = url.host, !host.isEmpty else { return "must name a host" }
        guard url.user == nil && url.password == nil else {
            return "must not carry credentials (they would be stored and logged): authenticate with the signature"
        }
        guard url.fragment == nil else { return "must not have a fragment" }
        return nil
    }
}
