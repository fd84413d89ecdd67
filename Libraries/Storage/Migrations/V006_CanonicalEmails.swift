extension Migration {
    /// One account per address, whatever its spelling: the app stores each email's canonical
    /// form (`EmailAddress.canonical`: NFKC, then lowercase) and the unique index is on it, so
    /// "K" (U+212A KELVIN SIGN) or a fullwidth "Ａ" cannot make a second account that looks
    /// like — or that Swift folds to — another. Existing rows get the same form from SQL
    /// (`lower(normalize(email, NFKC))`, equal to Swift's for every address registered so far,
    /// which were ASCII in practice). Where two old rows collide, the oldest keeps it; the
    /// others get NULL and can no longer sign in until an operator resolves them.
    static let v006CanonicalEmails = Migration(version: 6, name: "canonical-emails", sql: #"""
        ALTER TABLE users ADD COLUMN email_canonical text;

        UPDATE users SET email_canonical = ranked.canonical
        FROM (
            SELECT id, lower(normalize(email, NFKC)) AS canonical,
                   row_number() OVER (PARTITION BY lower(normalize(email, NFKC)) ORDER BY created_at, id) AS rank
            FROM users
        ) AS ranked
        WHERE users.id = ranked.id AND ranked.rank = 1;

        CREATE UNIQUE INDEX users_email_canonical_key ON users (email_canonical);
        DROP INDEX users_email_key;
        """#)
}
