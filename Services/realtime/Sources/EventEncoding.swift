import Events
import Foundation

/// Event envelopes as the wire carries them: compact JSON for WebSocket frames, and the
/// SSE record form (`id:`/`event:`/`data:`) whose `id` a browser sends back as
/// `Last-Event-ID` when it reconnects.
enum EventEncoding {
    static func json(_ event: EventEnvelope) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func sse(_ event: EventEnvelope) -> String {
        "id: \(event.id)\nevent: \(event.type)\ndata: \(json(event))\n\n"
    }
}
