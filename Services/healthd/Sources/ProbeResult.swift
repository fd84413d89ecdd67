import Foundation

/// The latest outcome of probing one component, in the shape of a health+json check.
struct ProbeResult: Sendable, Equatable {
    enum Status: String, Sendable, Comparable {
        case pass, warn, fail

        static func < (lhs: Status, rhs: Status) -> Bool {
            let order: [Status] = [.pass, .warn, .fail]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    var component: String
    var componentType: String
    /// Whether the suite cannot serve without it (its failure fails the whole suite).
    var critical: Bool
    var status: Status
    var latencyMs: Double
    var time: Date
    var output: String?
}
