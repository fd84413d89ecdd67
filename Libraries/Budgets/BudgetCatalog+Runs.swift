extension BudgetCatalog {
    public static let jobsPerRun = BudgetDefinition(
        "MAX_JOBS_PER_RUN", default: 10_000, range: 1...1_000_000, unit: "jobs", kind: .count,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "jobs one run may create (test cases × models × repeat), counted in SQL before anything is loaded")

    public static let activeRunsPerUser = BudgetDefinition(
        "MAX_ACTIVE_RUNS_PER_USER", default: 20, range: 1...100_000, unit: "runs", kind: .quota,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "runs one user may have queued or running at once; a new one past it is a 429")

    public static let queuedJobsPerUser = BudgetDefinition(
        "MAX_QUEUED_JOBS_PER_USER", default: 50_000, range: 1...10_000_000, unit: "jobs", kind: .quota,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "jobs of one user's unfinished runs that may wait or work at once, the new run's included; "
            + "so one user cannot fill the queue for everyone")

    static var runs: [BudgetDefinition] { [jobsPerRun, activeRunsPerUser, queuedJobsPerUser] }
}
