/// Every Redis key, stream and channel name of the suite, built in one place from a
/// prefix (`REDIS_KEY_PREFIX`, default `pcs`) so no daemon spells a key by hand and
/// several suites (or tests) can share one Redis.
public struct RedisKeys: Sendable, Equatable {
    public let prefix: String

    public init(prefix: String = "pcs") {
        self.prefix = prefix
    }

    /// The base of every key of a job queue (`<prefix>:queue:<name>`); the queue's
    /// functions derive the rest from it (docs/QUEUE.md).
    public func queue(_ name: String) -> String { "\(prefix):queue:\(name)" }

    /// The bounded history of an event channel (`run:{id}`, `card:{id}`, `health`); its
    /// entry ids are the events' ids, so a client can resume from one.
    public func eventHistory(_ channel: String) -> String { "\(prefix):events:\(channel)" }
    /// The pub/sub channel that wakes listeners when the history gains an entry.
    public func eventNotifications(_ channel: String) -> String { "\(prefix):notify:\(channel)" }
    /// The channel name inside a notification channel name, or nil if it is not one.
    public func channel(fromNotification name: String) -> String? {
        let head = "\(prefix):notify:"
        return name.hasPrefix(head) ? String(name.dropFirst(head.count)) : nil
    }

    /// The outbox sequences already published on a channel, so a relay that publishes a
    /// batch twice (it died before marking it sent) appends each event once.
    public func publishedEvents(_ channel: String) -> String { "\(prefix):published:\(channel)" }
}

extension RedisKeys {
    /// The GCRA state of one rate limit for one subject (`<prefix>:rl:<limit>:<subject>`):
    /// one timestamp, expiring by itself once the subject is idle.
    public func rateLimit(_ limit: String, subject: String) -> String { "\(prefix):rl:\(limit):\(subject)" }
}
