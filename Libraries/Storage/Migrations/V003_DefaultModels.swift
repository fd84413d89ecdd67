extension Migration {
    /// The models a card runs against when a run names none (a promptfoo config's providers).
    static let v003DefaultModels = Migration(version: 3, name: "default-models", sql: #"""
        ALTER TABLE cards ADD COLUMN default_models text[] NOT NULL DEFAULT '{}';
        """#)
}
