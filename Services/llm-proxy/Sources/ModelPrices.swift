import ServiceKit

/// What a call costs, from the tokens it used: dollars per million prompt and completion
/// tokens, per `provider/model` as routed. Models served here (the local llama.cpp server,
/// Ollama) cost nothing unless priced explicitly; a paid model without a price has an
/// unknown cost (no `X-Response-Cost`), never a made-up one.
public struct ModelPrices: Sendable, Equatable {
    public struct Price: Sendable, Equatable {
        /// Dollars per million prompt tokens.
        public var input: Double
        /// Dollars per million completion tokens.
        public var output: Double
    }

    /// List prices of common paid models (USD per 1M tokens); `MODEL_PRICES` adds to and
    /// overrides them, since prices change and deployments negotiate their own.
    static let listPrices: [String: Price] = [
        "openai/gpt-4o-mini": Price(input: 0.15, output: 0.60),
        "openai/gpt-4o": Price(input: 2.50, output: 10.00),
        "openai/gpt-4.1-mini": Price(input: 0.40, output: 1.60),
        "openai/gpt-4.1": Price(input: 2.00, output: 8.00),
        "anthropic/claude-3-5-haiku-latest": Price(input: 0.80, output: 4.00),
        "anthropic/claude-sonnet-4-0": Price(input: 3.00, output: 15.00),
    ]

    /// Providers whose models run on our own hardware.
    static let freeProviders: Set<ModelRoute.Provider> = [.local, .ollama]

    var prices: [String: Price]

    public init(overrides: [String: Price] = [:]) {
        prices = Self.listPrices.merging(overrides) { _, override in override }
    }

    /// Dollars for this call, or nil when the model has no known price.
    public func cost(of route: ModelRoute, promptTokens: Int, completionTokens: Int) -> Double? {
        let price = prices["\(route.provider.rawValue)/\(route.upstreamModel)"]
            ?? (Self.freeProviders.contains(route.provider) ? Price(input: 0, output: 0) : nil)
        guard let price else { return nil }
        return (Double(promptTokens) * price.input + Double(completionTokens) * price.output) / 1_000_000
    }

    /// `MODEL_PRICES=openai/gpt-4o-mini=0.15:0.60,ollama/llama3=0:0` — dollars per million
    /// prompt:completion tokens.
    static func parse(_ raw: String?) throws(ConfigError) -> ModelPrices {
        guard let raw else { return ModelPrices() }
        var overrides: [String: Price] = [:]
        for entry in raw.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let amounts = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Double($0) } : []
            guard parts.count == 2, parts[0].contains("/"), amounts.count == 2, amounts.allSatisfy({ $0 >= 0 && $0.isFinite })
            else {
                throw ConfigError(variable: "MODEL_PRICES",
                                  reason: "entries must look like provider/model=input:output (dollars per million tokens), got \"\(entry)\"")
            }
            overrides[parts[0]] = Price(input: amounts[0], output: amounts[1])
        }
        return ModelPrices(overrides: overrides)
    }
}
