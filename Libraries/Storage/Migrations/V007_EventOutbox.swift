extension Migration {
    /// The transactional outbox: every state change that must be announced inserts its
    /// events here in the same transaction, and a relay publishes them to Redis afterwards
    /// (at least once; the publish is idempotent per sequence). Nothing is announced that
    /// did not commit, and nothing that committed goes unannounced.
    ///
    /// `runs.failure_reason` says why a run ended `failed`.
    static let v007EventOutbox = Migration(version: 7, name: "event-outbox", sql: #"""
        CREATE TABLE event_outbox (
            id         bigserial PRIMARY KEY,
            channel    text NOT NULL,
            type       text NOT NULL,
            data       jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );

        ALTER TABLE runs ADD COLUMN failure_reason text;
        """#)
}
