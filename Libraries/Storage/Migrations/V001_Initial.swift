extension Migration {
    /// Users, refresh tokens, cards, test cases, runs and results.
    static let v001Initial = Migration(version: 1, name: "initial", sql: #"""
        CREATE TABLE users (
            id            uuid PRIMARY KEY,
            email         text NOT NULL,
            password_hash text NOT NULL,
            role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
            created_at    timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX users_email_key ON users (lower(email));

        -- Opaque refresh tokens, stored as SHA-256 hashes. Rotation links a family so that
        -- reuse of a rotated token can revoke the whole family.
        CREATE TABLE refresh_tokens (
            id          uuid PRIMARY KEY,
            user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            family_id   uuid NOT NULL,
            token_hash  text NOT NULL UNIQUE,
            expires_at  timestamptz NOT NULL,
            used_at     timestamptz,
            revoked_at  timestamptz,
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

        CREATE TABLE cards (
            id          uuid PRIMARY KEY,
            owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            title       text NOT NULL,
            description text NOT NULL DEFAULT '',
            template    text NOT NULL,
            variables   text[] NOT NULL DEFAULT '{}',
            tags        text[] NOT NULL DEFAULT '{}',
            version     integer NOT NULL DEFAULT 1,
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX cards_owner_created ON cards (owner_id, created_at DESC, id DESC);

        CREATE TABLE test_cases (
            id          uuid PRIMARY KEY,
            card_id     uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            description text NOT NULL DEFAULT '',
            vars        jsonb NOT NULL DEFAULT '{}',
            assertions  jsonb NOT NULL DEFAULT '[]',
            threshold   double precision,
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX test_cases_card ON test_cases (card_id, created_at, id);

        CREATE TABLE runs (
            id                 uuid PRIMARY KEY,
            card_id            uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            owner_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            card_version       integer NOT NULL,
            status             text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
            models             text[] NOT NULL,
            repeat             integer NOT NULL DEFAULT 1,
            concurrency        integer NOT NULL DEFAULT 4,
            total              integer NOT NULL,
            completed          integer NOT NULL DEFAULT 0,
            passed             integer NOT NULL DEFAULT 0,
            failed             integer NOT NULL DEFAULT 0,
            errored            integer NOT NULL DEFAULT 0,
            score              double precision,
            latency_p50_ms     double precision,
            latency_p95_ms     double precision,
            latency_p99_ms     double precision,
            prompt_tokens      bigint NOT NULL DEFAULT 0,
            completion_tokens  bigint NOT NULL DEFAULT 0,
            cost               double precision NOT NULL DEFAULT 0,
            created_at         timestamptz NOT NULL DEFAULT now(),
            started_at         timestamptz,
            finished_at        timestamptz
        );
        CREATE INDEX runs_card_created ON runs (card_id, created_at DESC);

        -- One row per executed job; the job id makes a redelivered job's write a no-op.
        CREATE TABLE results (
            id                uuid PRIMARY KEY,
            run_id            uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            job_id            text NOT NULL UNIQUE,
            test_case_id      uuid NOT NULL,
            model             text NOT NULL,
            repeat_index      integer NOT NULL DEFAULT 0,
            prompt            text NOT NULL,
            output            text,
            pass              boolean NOT NULL,
            score             double precision NOT NULL,
            reason            text NOT NULL,
            grading           jsonb,
            error             text,
            latency_ms        integer,
            prompt_tokens     integer NOT NULL DEFAULT 0,
            completion_tokens integer NOT NULL DEFAULT 0,
            cost              double precision NOT NULL DEFAULT 0,
            created_at        timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX results_run ON results (run_id, created_at, id);
        """#)
}
