import Foundation

/// The `application/health+json` document (draft-inadarei-api-health-check): overall
/// status plus a `checks` map of `component:measurement` → observations.
enum HealthReport {
    static let mediaType = "application/health+json"

    /// Overall status: `fail` when a critical component fails or nothing is known yet,
    /// `warn` when something non-critical fails or anything is slow or stale.
    static func status(of results: [String: ProbeResult], now: Date, staleAfter: Duration) -> ProbeResult.Status {
        guard !results.isEmpty else { return .fail }
        var overall = ProbeResult.Status.pass
        for result in results.values {
            let stale = now.timeIntervalSince(result.time) > Double(staleAfter.components.seconds)
            let effective: ProbeResult.Status = stale ? .warn : result.status
            let weighed: ProbeResult.Status = effective == .fail && !result.critical ? .warn : effective
            overall = max(overall, weighed)
        }
        return overall
    }

    static func document(results: [String: ProbeResult], status: ProbeResult.Status) -> Data {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var checks: [String: Any] = [:]
        for (name, result) in results.sorted(by: { $0.key < $1.key }) {
            var check: [String: Any] = [
                "componentId": name, "componentType": result.componentType, "status": result.status.rawValue,
                "observedValue": (result.latencyMs * 10).rounded() / 10, "observedUnit": "ms",
                "time": formatter.string(from: result.time),
            ]
            if let output = result.output { check["output"] = output }
            checks["\(name):responseTime"] = [check]
        }
        let document: [String: Any] = [
            "status": status.rawValue, "serviceId": "prompt-card-system", "description": "Prompt Card System health",
            "checks": checks,
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
