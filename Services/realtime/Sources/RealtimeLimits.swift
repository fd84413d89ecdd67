import Budgets
import ServiceKit

/// The budgets realtime enforces (BudgetCatalog+Realtime), read from the environment.
public struct RealtimeLimits: Sendable {
    public var channelsPerConnection: Budget
    public var connectionsPerUser: Budget
    public var connectionsPerClientAddress: Budget
    public var connectionsPerProcess: Budget
    public var subscribesPerMinute: Budget
    public var queuedFramesPerConnection: Budget

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        channelsPerConnection = try env.budget(BudgetCatalog.channelsPerConnection)
        connectionsPerUser = try env.budget(BudgetCatalog.connectionsPerUser)
        connectionsPerClientAddress = try env.budget(BudgetCatalog.connectionsPerClientAddress)
        connectionsPerProcess = try env.budget(BudgetCatalog.connectionsPerProcess)
        subscribesPerMinute = try env.budget(BudgetCatalog.subscribesPerMinute)
        queuedFramesPerConnection = try env.budget(BudgetCatalog.queuedFramesPerConnection)
    }
}
