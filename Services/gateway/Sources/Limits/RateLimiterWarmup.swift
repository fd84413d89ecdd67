import RateLimiting
import ServiceLifecycle

/// Gets the limiter's connection and script ready at start, then waits for shutdown.
struct RateLimiterWarmup: Service {
    let limiter: RateLimiter

    func run() async throws {
        await limiter.prepare()
        try? await gracefulShutdown()
    }
}
