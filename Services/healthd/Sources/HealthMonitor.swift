import Budgets
import Foundation
import Logging
import PostgresNIO
import RedisClient
import ServiceKit
import ServiceLifecycle
import Synchronization

/// Probes every daemon and dependency in the background and keeps the latest results, so
/// that probes of healthd itself are answered instantly from memory, never by fanning out.
final class HealthMonitor: Service, Sendable {
    struct Probe: Sendable {
        let component: String
        let componentType: String
        let critical: Bool
        let check: @Sendable () async throws -> Void
    }

    private let probes: [Probe]
    private let interval: Duration
    private let timeout: Duration
    private let logger: Logger
    private let latest = Mutex<[String: ProbeResult]>([:])

    init(probes: [Probe], interval: Duration, timeout: Duration, logger: Logger) {
        self.probes = probes
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
    }

    var snapshot: [String: ProbeResult] { latest.withLock { $0 } }

    /// How old a snapshot may get before healthd stops trusting it.
    var staleAfter: Duration { interval * 3 + timeout }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.probeAll()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    func probeAll() async {
        await withTaskGroup(of: ProbeResult.self) { group in
            for probe in probes {
                group.addTask { await self.run(probe) }
            }
            for await result in group {
                let previous = latest.withLock { latest in
                    defer { latest[result.component] = result }
                    return latest[result.component]?.status
                }
                if previous != result.status {
                    logger.info("component status changed", metadata: [
                        "component": "\(result.component)", "status": "\(result.status.rawValue)",
                        "output": "\(result.output ?? "")",
                    ])
                }
            }
        }
    }

    private func run(_ probe: Probe) async -> ProbeResult {
        let started = ContinuousClock.now
        var status = ProbeResult.Status.pass
        var output: String?
        do {
            try await withDeadline(timeout) { try await probe.check() }
        } catch {
            status = .fail
            output = String(describing: error)
        }
        let elapsed = ContinuousClock.now - started
        let latency = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        if status == .pass, elapsed > timeout / 2 {
            status = .warn
            output = "slow: \(Int(latency)) ms"
        }
        return ProbeResult(component: probe.component, componentType: probe.componentType, critical: probe.critical,
                           status: status, latencyMs: latency, time: .now, output: output)
    }
}
