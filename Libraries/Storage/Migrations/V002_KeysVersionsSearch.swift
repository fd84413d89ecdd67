extension Migration {
    /// API keys, immutable card versions, full-text search over cards, run filters and
    /// idempotent run creation.
    static let v002KeysVersionsSearch = Migration(version: 2, name: "keys-versions-search", sql: #"""
        -- Machine credentials. Only a SHA-256 of the key is stored; `prefix` is what a user
        -- sees in listings to tell keys apart.
        CREATE TABLE api_keys (
            id           uuid PRIMARY KEY,
            user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name         text NOT NULL,
            prefix       text NOT NULL,
            key_hash     text NOT NULL UNIQUE,
            created_at   timestamptz NOT NULL DEFAULT now(),
            last_used_at timestamptz,
            revoked_at   timestamptz
        );
        CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC, id DESC);

        -- Every state a card has had; the card row holds the latest.
        CREATE TABLE card_versions (
            card_id     uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            version     integer NOT NULL,
            title       text NOT NULL,
            description text NOT NULL,
            template    text NOT NULL,
            variables   text[] NOT NULL,
            tags        text[] NOT NULL,
            created_by  uuid,
            created_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (card_id, version)
        );
        INSERT INTO card_versions (card_id, version, title, description, template, variables, tags, created_by, created_at)
        SELECT id, version, title, description, template, variables, tags, owner_id, updated_at FROM cards;

        -- array_to_string is only STABLE; a generated column needs IMMUTABLE.
        CREATE FUNCTION pcs_tags_text(tags text[]) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(array_to_string(tags, ' '), '') $$;
        ALTER TABLE cards ADD COLUMN search tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A') ||
            setweight(to_tsvector('english', pcs_tags_text(tags)), 'A') ||
            setweight(to_tsvector('english', description), 'B') ||
            setweight(to_tsvector('english', template), 'C')) STORED;
        CREATE INDEX cards_search ON cards USING GIN (search);

        ALTER TABLE runs ADD COLUMN idempotency_key text;
        ALTER TABLE runs ADD COLUMN threshold double precision;
        CREATE UNIQUE INDEX runs_idempotency ON runs (owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX runs_owner_created ON runs (owner_id, created_at DESC, id DESC);
        CREATE INDEX results_run_pass ON results (run_id, pass, created_at, id);
        CREATE INDEX test_cases_card_created ON test_cases (card_id, created_at, id);
        """#)
}
