@testable import LLMProxyService
import ServiceKit
import Testing

/// The price table behind `X-Response-Cost`.
@Suite struct ModelPricesTests {
    @Test func aListedModelIsPricedPerMillionTokens() throws {
        let prices = ModelPrices()
        let cost = try #require(prices.cost(of: ModelRoute(provider: .openai, upstreamModel: "gpt-4o-mini"),
                                            promptTokens: 1_000_000, completionTokens: 500_000))
        #expect(abs(cost - (0.15 + 0.30)) < 1e-9)
    }

    @Test func modelsServedHereAreFreeAndUnknownPaidModelsHaveNoPrice() {
        let prices = ModelPrices()
        #expect(prices.cost(of: ModelRoute(provider: .local, upstreamModel: "smollm2"), promptTokens: 9, completionTokens: 9) == 0)
        #expect(prices.cost(of: ModelRoute(provider: .ollama, upstreamModel: "llama3"), promptTokens: 9, completionTokens: 9) == 0)
        #expect(prices.cost(of: ModelRoute(provider: .openai, upstreamModel: "gpt-9"), promptTokens: 9, completionTokens: 9) == nil)
    }

    @Test func theEnvironmentOverridesAndAddsPrices() throws {
        let prices = try ModelPrices.parse("openai/gpt-4o-mini=1:2, openai/gpt-9=10:20")
        #expect(prices.cost(of: ModelRoute(provider: .openai, upstreamModel: "gpt-4o-mini"),
                            promptTokens: 1_000_000, completionTokens: 1_000_000) == 3)
        #expect(prices.cost(of: ModelRoute(provider: .openai, upstreamModel: "gpt-9"),
                            promptTokens: 1_000_000, completionTokens: 0) == 10)
    }

    @Test(arguments: ["gpt-4o=1:2", "openai/gpt-4o=1", "openai/gpt-4o=a:b", "openai/gpt-4o=-1:2", "openai/gpt-4o"])
    func aMalformedPriceIsAConfigErrorNamingTheVariable(raw: String) {
        #expect(throws: ConfigError.self) { try ModelPrices.parse(raw) }
        do {
            _ = try ModelPrices.parse(raw)
        } catch {
            #expect(error.variable == "MODEL_PRICES")
        }
    }
}
