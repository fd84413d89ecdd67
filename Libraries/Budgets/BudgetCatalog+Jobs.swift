extension BudgetCatalog {
    public static let jobDeadlineSeconds = BudgetDefinition(
        "JOB_DEADLINE_SECONDS", default: 600, range: 5...86_400, unit: "seconds", kind: .time,
        enforcedBy: ["queue-worker"],
        summary: "wall-clock time one job may work (render, model call, grading) before it is stopped and its case "
            + "recorded as errored; a hung job cannot keep its lease forever")

    public static let gradingDeadlineSeconds = BudgetDefinition(
        "GRADING_DEADLINE_SECONDS", default: 300, range: 1...86_400, unit: "seconds", kind: .time,
        enforcedBy: ["queue-worker"],
        summary: "wall-clock time grading one answer may take (model-graded assertions call llm-proxy); "
            + "past it the case is errored with this reason")

    public static let maxStalls = BudgetDefinition(
        "MAX_STALLS", default: 2, range: 0...100, unit: "stalls", kind: .count,
        enforcedBy: ["queue-worker"],
        summary: "times a job may be reclaimed from a worker that stopped heartbeating (crashed, killed, wedged); "
            + "one more and it is dead-lettered and its case errored, so a job that kills its worker ends")

    static var jobs: [BudgetDefinition] { [jobDeadlineSeconds, gradingDeadlineSeconds, maxStalls] }
}
