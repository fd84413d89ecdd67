import Foundation

/// What a WebSocket client sends: `{"op":"subscribe","channel":"run:<id>","since":"<id>"}`,
/// `{"op":"unsubscribe","channel":…}` or `{"op":"ping"}`.
struct ClientMessage: Decodable {
    var op: String
    var channel: String?
    var since: String?
}

/// What the server sends besides events.
enum ServerMessage {
    static func reply(_ op: String, channel: String? = nil, error: String? = nil) -> String {
        var object: [String: String] = ["op": op]
        if let channel { object["channel"] = channel }
        if let error { object["error"] = error }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
