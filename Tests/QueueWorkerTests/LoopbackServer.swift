import Hummingbird
import Synchronization

/// Serves `router` on a free loopback port while `body` runs, for the stand-ins the worker
/// tests talk to (a scripted llm-proxy, a webhook receiver); `body` gets the base URL.
/// `onStop` runs as the server is being stopped, so hung handlers can let go.
enum LoopbackServer {
    static func serve<T: Sendable>(_ router: Router<BasicRequestContext>, onStop: @Sendable () -> Void = {},
                                   _ body: @Sendable (String) async throws -> T) async throws -> T {
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            defer {
                onStop()
                group.cancelAll()
            }
            let started = ContinuousClock.now
            while port.withLock({ $0 }) == nil {
                guard ContinuousClock.now - started < .seconds(60) else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await body("http://127.0.0.1:\(port.withLock { $0 }!)")
        }
    }
}
