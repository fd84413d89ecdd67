extension BudgetCatalog {
    /// The table docs/LIMITS.md holds (a test keeps the two equal): one row per budget.
    public static func markdownTable() -> String {
        var lines = [
            "| variable | default | allowed | kind (status) | enforced by | what it bounds |",
            "|---|---|---|---|---|---|",
        ]
        for definition in all {
            let range = "\(definition.range.lowerBound)–\(definition.range.upperBound)"
            lines.append("| `\(definition.name)` | \(definition.defaultLimit) \(definition.unit) | \(range) | "
                + "\(definition.kind.rawValue) (\(definition.kind.status)) | \(definition.enforcedBy.joined(separator: ", ")) | "
                + "\(definition.summary) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Budget.Kind {
    /// How going over a budget of this kind is answered over HTTP; inside a job it is an
    /// errored case instead.
    public var status: String {
        switch self {
        case .size: "413"
        case .count, .nesting: "400"
        case .work, .time: "422 / errored case"
        case .quota: "429"
        }
    }
}
