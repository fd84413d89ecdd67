import Budgets
import ServiceKit

/// The budgets the gateway enforces itself (BudgetCatalog+Gateway), read from the environment.
public struct GatewayLimits: Sendable {
    /// The largest request body forwarded to an upstream.
    public var requestBody: Budget

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        requestBody = try env.budget(BudgetCatalog.gatewayRequestBodyBytes)
    }
}
