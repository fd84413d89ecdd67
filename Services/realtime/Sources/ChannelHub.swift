import Events
import Foundation
import Logging
import EventStreams
import RedisClient

/// Fans events out to this instance's listeners, gap-free and in order.
///
/// The channel's history stream is the source of truth; pub/sub only wakes the hub. Each
/// listener has a cursor (the id of the last event it got). To pump a channel, the hub
/// groups its listeners by cursor and reads `XRANGE (cursor +` once per group — in the
/// steady state every listener of a channel shares one cursor, so one read serves them
/// all, while a listener resuming from an older id catches up on its own reads until it
/// joins the group. A missed notification only delays delivery until the next one.
actor ChannelHub {
    typealias Sink = @Sendable (EventEnvelope) -> Bool

    private struct Listener {
        var cursor: String
        let sink: Sink
    }

    private struct ChannelState {
        var listeners: [UUID: Listener] = [:]
        var pumping = false
        var dirty = false
    }

    private let bus: EventBus
    private let keys: RedisKeys
    private let subscriber: RedisSubscriber
    private let logger: Logger
    private var channels: [String: ChannelState] = [:]

    init(bus: EventBus, keys: RedisKeys, subscriber: RedisSubscriber, logger: Logger) {
        self.bus = bus
        self.keys = keys
        self.subscriber = subscriber
        self.logger = logger
    }

    /// Consumes the Redis notifications until the subscriber closes.
    func run() async {
        for await event in subscriber.events {
            switch event {
            case .message(let name, _):
                if let channel = keys.channel(fromNotification: name) { wake(channel) }
            case .pmessage(_, let name, _):
                if let channel = keys.channel(fromNotification: name) { wake(channel) }
            case .reconnected:
                // Notifications may have been lost while disconnected: re-read every channel.
                for channel in channels.keys { wake(channel) }
            }
        }
    }

    /// Adds a listener. With `since`, it first receives the history after that id (`"0"`
    /// for all that is kept); without, only events published from now on.
    /// `onRegistered` runs on the hub right before any event can reach `sink`, so a reply
    /// such as `subscribed` is always ordered before the first event.
    func subscribe(channel: String, since: String?, sink: @escaping Sink,
                   onRegistered: @Sendable () -> Void = {}) async throws -> UUID {
        let start: String
        if let since { start = since } else { start = try await bus.lastID(channel: channel) }
        let id = UUID()
        let isNewChannel = channels[channel] == nil
        channels[channel, default: ChannelState()].listeners[id] = Listener(cursor: start, sink: sink)
        if isNewChannel {
            do {
                try await subscriber.subscribe([keys.eventNotifications(channel)])
            } catch {
                remove(id, from: channel)
                throw error
            }
        }
        onRegistered()
        wake(channel)
        return id
    }

    func unsubscribe(_ id: UUID, channel: String) {
        remove(id, from: channel)
    }

    private func remove(_ id: UUID, from channel: String) {
        channels[channel]?.listeners[id] = nil
        if channels[channel]?.listeners.isEmpty == true, channels[channel]?.pumping == false {
            channels[channel] = nil
            let name = keys.eventNotifications(channel)
            let subscriber = self.subscriber
            Task { try? await subscriber.unsubscribe([name]) }
        }
    }

    private func wake(_ channel: String) {
        guard channels[channel] != nil else { return }
        if channels[channel]!.pumping {
            channels[channel]!.dirty = true
            return
        }
        channels[channel]!.pumping = true
        Task { await self.pump(channel) }
    }

    /// Delivers everything new to every listener of the channel; runs once per channel at
    /// a time (`pumping`), and again if woken meanwhile (`dirty`).
    private func pump(_ channel: String) async {
        var rounds = 0
        repeat {
            channels[channel]?.dirty = false
            var delivered = false
            let groups = Dictionary(grouping: channels[channel]?.listeners ?? [:], by: { $0.value.cursor })
            for (cursor, members) in groups {
                let events: [EventEnvelope]
                do {
                    events = try await bus.history(channel: channel, after: cursor)
                } catch {
                    logger.warning("reading channel history failed", metadata: ["channel": "\(channel)", "error": "\(error)"])
                    continue
                }
                guard let last = events.last else { continue }
                delivered = true
                for (id, _) in members {
                    guard let listener = channels[channel]?.listeners[id], listener.cursor == cursor else { continue }
                    var open = true
                    for event in events where open { open = listener.sink(event) }
                    if open { channels[channel]?.listeners[id]?.cursor = last.id } else { channels[channel]?.listeners[id] = nil }
                }
            }
            rounds += 1
            // A full page means there may be more; keep going without waiting for a wake-up.
            if delivered { channels[channel]?.dirty = true }
        } while channels[channel]?.dirty == true && rounds < 1000
        channels[channel]?.pumping = false
        if channels[channel]?.listeners.isEmpty == true {
            channels[channel] = nil
            let name = keys.eventNotifications(channel)
            try? await subscriber.unsubscribe([name])
        }
    }
}

extension ChannelHub {
    /// Stops the notification loop (the subscriber's stream ends).
    func close() async {
        await subscriber.close()
    }
}
