import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import RateLimiting
import RedisClient
import ServiceKit

/// The limits llm-proxy keeps for its upstreams, shared by every replica through Redis:
/// calls at once per deployment (`MODEL_CONCURRENCY`: a model that serves one request at a
/// time gets one) and requests per minute per provider (`PROVIDER_RPM`, the provider's own
/// quota). A call waits its turn up to `wait` (a slot first, then the rate), else it is
/// answered 429 with `Retry-After`, which the worker honours without spending an attempt.
/// If Redis cannot be asked, the call goes ahead (a warning and a counter say so): a
/// limiter that is down must not take every model down with it.
struct UpstreamLimits: Sendable {
    /// Deployment (`provider/model`) → its slots.
    let slots: [String: ConcurrencySlots]
    let rates: [ModelRoute.Provider: RequestRate]
    let wait: Duration
    let logger: Logger

    /// What `admit` holds for a call: release it when the call has ended.
    struct Admission: Sendable {
        let release: @Sendable () async -> Void
        static let none = Admission(release: {})
    }

    static func deployment(_ route: ModelRoute) -> String { "\(route.provider.rawValue)/\(route.upstreamModel)" }

    /// Waits for a slot of the route's deployment and its provider's rate, up to `wait`.
    func admit(_ route: ModelRoute) async throws -> Admission {
        let deadline = ContinuousClock.now + wait
        var admission = Admission.none
        if let slots = slots[Self.deployment(route)] {
            let holder = UUID().uuidString
            do {
                var pause = Duration.milliseconds(10)
                while !(try await slots.tryAcquire(holder: holder)) {
                    guard ContinuousClock.now + pause < deadline else {
                        throw APIError(.tooManyRequests,
                                       "\(Self.deployment(route)) is serving its \(slots.limit) call(s) at once "
                                       + "(MODEL_CONCURRENCY); none finished within \(wait)", headers: [.retryAfter: "1"])
                    }
                    try await Task.sleep(for: pause)
                    pause = min(pause * 2, .milliseconds(200))
                }
                admission = Admission { try? await slots.release(holder: holder) }
            } catch let error as RedisError {
                unenforced("MODEL_CONCURRENCY", error)
            }
        }
        if let rate = rates[route.provider] {
            do {
                while case .wait(let pause) = try await rate.take() {
                    guard ContinuousClock.now + pause < deadline else {
                        await admission.release()
                        let seconds = max(1, Int((Double(pause.milliseconds) / 1000).rounded(.up)))
                        throw APIError(.tooManyRequests,
                                       "\(route.provider.rawValue) is at its \(rate.limit) requests per minute (PROVIDER_RPM)",
                                       headers: [.retryAfter: String(seconds)])
                    }
                    try await Task.sleep(for: pause)
                }
            } catch let error as RedisError {
                unenforced("PROVIDER_RPM", error)
            }
        }
        return admission
    }

    private func unenforced(_ limit: String, _ error: RedisError) {
        UpstreamLimitMetrics.unenforced.increment()
        logger.warning("Redis is unreachable: \(limit) is not enforced for this call", metadata: ["error": "\(error)"])
    }
}

enum UpstreamLimitMetrics {
    /// Calls that went ahead unlimited because Redis could not be asked.
    static let unenforced = Counter(label: "pcs_llm_limit_unenforced_total")
}
