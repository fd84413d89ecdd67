/// promptfoo provider ids (`openai:gpt-4o-mini`, `ollama:chat:llama3.2`,
/// `anthropic:messages:claude-…`) ↔ the suite's model names (`openai/gpt-4o-mini`, …).
public enum ProviderNames {
    /// promptfoo's API-flavour segments that the suite's names leave out.
    static let flavours: Set<String> = ["chat", "completion", "messages", "responses"]

    public static func modelName(fromPromptfoo id: String) -> String {
        var parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return id }
        let provider = parts.removeFirst()
        if parts.count >= 2, flavours.contains(parts[0]) { parts.removeFirst() }
        return provider + "/" + parts.joined(separator: ":")
    }

    public static func promptfooID(fromModelName name: String) -> String {
        guard let slash = name.firstIndex(of: "/") else { return name }
        let provider = name[..<slash]
        let model = name[name.index(after: slash)...]
        switch provider {
        case "ollama": return "ollama:chat:\(model)"
        case "anthropic": return "anthropic:messages:\(model)"
        default: return "\(provider):\(model)"
        }
    }
}
