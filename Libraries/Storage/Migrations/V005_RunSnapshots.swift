extension Migration {
    /// A run's inputs are stored once, in Postgres, when it is created: the card's template on
    /// the run and each test case as it was then in `run_cases`. Jobs carry only references
    /// (run, test case, model, repeat), so a 10,000-job run is 10,000 small stream entries
    /// instead of 10,000 copies of a 100k-character template, and later edits to the card or
    /// its tests do not change a run in flight.
    static let v005RunSnapshots = Migration(version: 5, name: "run-snapshots", sql: #"""
        ALTER TABLE runs ADD COLUMN template text;

        CREATE TABLE run_cases (
            run_id       uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            test_case_id uuid NOT NULL,
            vars         jsonb NOT NULL,
            assertions   jsonb NOT NULL,
            threshold    double precision,
            position     integer NOT NULL,
            PRIMARY KEY (run_id, test_case_id)
        );
        CREATE UNIQUE INDEX run_cases_position ON run_cases (run_id, position);

        -- Quotas count a user's unfinished runs.
        CREATE INDEX runs_owner_active ON runs (owner_id) WHERE status IN ('queued', 'running');
        """#)
}
