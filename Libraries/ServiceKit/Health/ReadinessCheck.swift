/// One dependency a daemon needs before it can serve: `/health/ready` runs them all.
public struct ReadinessCheck: Sendable {
    public let name: String
    public let componentType: String
    public let check: @Sendable () async throws -> Void

    public init(name: String, componentType: String = "component", check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.componentType = componentType
        self.check = check
    }
}
