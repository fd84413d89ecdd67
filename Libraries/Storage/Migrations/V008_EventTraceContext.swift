extension Migration {
    /// Each outbox event keeps the W3C `traceparent` of the work that committed it (the
    /// request in cards-api, the job in queue-worker), so a subscriber can tie an event to
    /// the trace of the run. Null when nothing was traced.
    static let v008EventTraceContext = Migration(version: 8, name: "event-trace-context", sql: #"""
        ALTER TABLE event_outbox ADD COLUMN traceparent text;
        """#)
}
