extension BudgetCatalog {
    public static let renderedPromptBytes = BudgetDefinition(
        "MAX_RENDERED_PROMPT_BYTES", default: 1 << 20, range: 1_024...(64 << 20), unit: "bytes", kind: .size,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "UTF-8 size of one rendered template (a prompt, or an assertion value with {{vars}}); "
            + "rendering stops as soon as it would pass it, so a template that repeats a large variable "
            + "cannot build a huge string")

    static var templates: [BudgetDefinition] { [renderedPromptBytes] }
}
