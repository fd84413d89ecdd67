extension Migration {
    /// Run-completion webhooks: a card's default URL, a run's own (its card's unless the run
    /// named one), and each user's signing secret (made on first use).
    static let v009Webhooks = Migration(version: 9, name: "webhooks", sql: #"""
        ALTER TABLE cards ADD COLUMN webhook_url text;
        ALTER TABLE runs ADD COLUMN webhook_url text;
        ALTER TABLE users ADD COLUMN webhook_secret text;
        """#)
}
