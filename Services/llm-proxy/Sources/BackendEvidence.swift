import Synchronization

/// When the default backend (`provider`) last answered, by a real request or by a probe. A local model
/// server answers a probe only between generations (llama_cpp.server's `/v1/models` waits for
/// the model's lock), so probing a busy backend would report it down exactly when it is
/// serving most: an answer within `fresh` counts as ready without asking again.
final class BackendEvidence: Sendable {
    private let lastAnswer = Mutex<ContinuousClock.Instant?>(nil)
    let provider: ModelRoute.Provider
    let fresh: Duration

    init(provider: ModelRoute.Provider, fresh: Duration = .seconds(30)) {
        self.provider = provider
        self.fresh = fresh
    }

    /// A request routed to `route` got its answer; only the probed backend's answers count.
    func answered(by route: ModelRoute) {
        if route.provider == provider { answered() }
    }

    private func answered() { lastAnswer.withLock { $0 = .now } }

    var answeredRecently: Bool {
        lastAnswer.withLock { last in last.map { ContinuousClock.now - $0 < fresh } ?? false }
    }

    /// Ready if the backend answered recently; otherwise asks `probe` and remembers a success.
    func check(_ probe: @Sendable () async throws -> Void) async throws {
        if answeredRecently { return }
        try await probe()
        answered()
    }
}
