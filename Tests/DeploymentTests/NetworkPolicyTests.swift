import Foundation
import Testing

/// The NetworkPolicies of k8s/base admit every call the suite makes between its daemons, and
/// nothing else: a missing rule breaks a feature only inside a cluster (model-graded
/// `/assertions/evaluate` did, with cards-api → llm-proxy blocked), where no other test runs.
@Suite struct NetworkPolicyTests {
    /// One daemon calling another's port.
    struct Call: Sendable, Hashable, CustomStringConvertible {
        let from: String
        let to: String
        var description: String { "\(from) → \(to)" }
    }

    /// The calls of DESIGN.md and the daemons' `*_URL` settings.
    static let calls: [Call] = [
        ("gateway", "cards-api"), ("gateway", "llm-proxy"), ("gateway", "realtime"),
        ("realtime", "cards-api"), ("cards-api", "llm-proxy"), ("queue-worker", "llm-proxy"),
    ].map { Call(from: $0.0, to: $0.1) } + Daemon.all.filter { $0.name != "healthd" }.map {
        Call(from: "healthd", to: $0.name)
    }

    /// Whether the policies selecting `to`'s pods admit `from`'s pods on `to`'s port.
    static func admits(_ call: Call, _ manifests: KubernetesManifests) throws -> Bool {
        let port = try #require(Daemon.all.first { $0.name == call.to }).port
        let policies = manifests.all("NetworkPolicy").filter { policy in
            let selector = policy[path: "spec", "podSelector"]
            if let name = selector?[path: "matchLabels", "app.kubernetes.io/name"]?.string { return name == call.to }
            let expressions = selector?["matchExpressions"]?.items ?? []
            return expressions.contains { expression in
                expression["key"]?.string == "app.kubernetes.io/name" && expression["operator"]?.string == "In"
                    && (expression["values"]?.items ?? []).contains { $0.string == call.to }
            }
        }
        return policies.contains { policy in
            (policy[path: "spec", "ingress"]?.items ?? []).contains { rule in
                let sources = rule["from"]?.items ?? []
                let fromCaller = sources.contains {
                    $0["namespaceSelector"] == nil
                        && $0[path: "podSelector", "matchLabels", "app.kubernetes.io/name"]?.string == call.from
                }
                let ports = rule["ports"]?.items ?? []
                let onPort = ports.isEmpty || ports.contains { entry in
                    guard let first = entry["port"]?.int else { return false }
                    return (first...(entry["endPort"]?.int ?? first)).contains(port)
                }
                return fromCaller && onPort
            }
        }
    }

    @Test(arguments: calls)
    func everyCallTheSuiteMakesIsAdmitted(call: Call) throws {
        #expect(try Self.admits(call, KubernetesManifests.load()), "\(call) is blocked")
    }

    @Test func cardsAPIMayReachLLMProxyForModelGradedAssertions() throws {
        #expect(try Self.admits(Call(from: "cards-api", to: "llm-proxy"), KubernetesManifests.load()))
    }

    @Test func noOtherDaemonToDaemonCallIsAdmitted() throws {
        let manifests = try KubernetesManifests.load()
        let names = Daemon.all.map(\.name)
        for from in names {
            for to in names where from != to {
                let call = Call(from: from, to: to)
                #expect(try Self.admits(call, manifests) == Self.calls.contains(call), "\(call)")
            }
        }
    }
}
