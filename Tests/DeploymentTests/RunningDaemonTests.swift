import Foundation
import TestSupport
import Testing

/// The deployment files checked against the real daemons: the six built binaries run side
/// by side (RunningSuite), and the probes of the Kubernetes Deployments, the Dockerfiles'
/// HEALTHCHECK commands and the metrics the HPAs and the Grafana dashboard name are tried
/// on them. One suite of daemons serves all three checks: six processes starting at once
/// are load enough on a small machine.
@Suite struct RunningDaemonTests {
    @Test func probesHealthchecksAndMetricsHoldOnTheRunningDaemons() async throws {
        let manifests = try KubernetesManifests.load()
        let probes = try Daemon.all.map { daemon in
            let deployment = try #require(manifests.named("Deployment", daemon.name))
            return (daemon, try #require(ProbePaths(deployment: deployment), "\(daemon): HTTP probes"))
        }
        let healthchecks = try Daemon.all.map { daemon in
            let runtime = try #require(try Dockerfile(contentsOf: daemon.dockerfilePath).stages.last)
            let healthcheck = try #require(runtime.all("HEALTHCHECK").last?.arguments)
            let command = try #require(Dockerfile.healthcheck(healthcheck)?.command)
            return (daemon, try #require(Dockerfile.execForm(command)))
        }
        let dashboard = try Repository.read("compose/grafana/dashboards/prompt-card-system.json")
        let queried = Set(dashboard.matches(of: /\b(?:hb|http_server|pcs)_[a-z0-9_]+/).map { String($0.output) })
        #expect(!queried.isEmpty)
        try await ClosedPort.with { closedPort in
            try await RunningSuite.with { suite in
                try await Self.probesAnswer(probes, on: suite)
                try await Self.healthchecksPass(healthchecks, on: suite, closedPort: closedPort)
                try await Self.metricsAreExported(manifests: manifests, dashboardQueries: queried, on: suite)
            }
        }
    }

    /// Every Deployment's startup and liveness probes answer 200 on its daemon, and its
    /// readiness probe answers 200 once the daemon's dependencies are up (they all are).
    static func probesAnswer(_ probes: [(Daemon, ProbePaths)], on suite: RunningSuite) async throws {
        for (daemon, paths) in probes {
            let startup = try await suite.get(daemon.name, paths.startup)
            #expect(startup.status == 200, "\(daemon) \(paths.startup): \(startup)")
            let liveness = try await suite.get(daemon.name, paths.liveness)
            #expect(liveness.status == 200, "\(daemon) \(paths.liveness): \(liveness)")
            let readiness = try await suite.getUntilOK(daemon.name, paths.readiness)
            #expect(readiness.status == 200, "\(daemon) \(paths.readiness): \(readiness)")
        }
    }

    /// Each Dockerfile's HEALTHCHECK command, run as the image would run it (exec form, PORT
    /// from the environment), succeeds against its running daemon and fails when nothing
    /// listens.
    static func healthchecksPass(_ commands: [(Daemon, [String])], on suite: RunningSuite, closedPort: Int) async throws {
        for (daemon, vector) in commands {
            let port = suite.ports[daemon.name]!
            await #expect(throws: Never.self, "\(daemon) healthy on \(port)") {
                try await ShellCommand.run(vector[0], Array(vector.dropFirst()), environment: ["PORT": String(port)])
            }
            await #expect(throws: ShellCommand.Failed.self, "\(daemon) unhealthy when nothing listens") {
                try await ShellCommand.run(vector[0], Array(vector.dropFirst()), environment: ["PORT": String(closedPort)])
            }
        }
    }

    /// The per-pod metric each HPA scales on is exported by its daemon, and every metric the
    /// Grafana dashboard queries is exported by the suite.
    static func metricsAreExported(manifests: KubernetesManifests, dashboardQueries: Set<String>,
                                   on suite: RunningSuite) async throws {
        // The queue's gauges appear once a worker's upkeep has run: read again until they do.
        var names: [String: Set<String>] = [:]
        var exported: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(60)
        repeat {
            if !names.isEmpty { try await Task.sleep(for: .seconds(1)) }
            for daemon in Daemon.all {
                _ = try await suite.get(daemon.name, "/health/live") // so that per-request series exist
                let metrics = try await suite.get(daemon.name, "/metrics")
                #expect(metrics.status == 200)
                names[daemon.name] = Set(metrics.body.split(separator: "\n").filter { !$0.hasPrefix("#") }
                    .compactMap { $0.firstMatch(of: /^[a-zA-Z_:][a-zA-Z0-9_:]*/).map { String($0.output) } })
            }
            exported = names.values.reduce(into: []) { $0.formUnion($1) }
        } while !dashboardQueries.isSubset(of: exported) && ContinuousClock.now < deadline
        for daemon in Daemon.all {
            let hpa = try #require(manifests.named("HorizontalPodAutoscaler", daemon.name))
            for metric in hpa[path: "spec", "metrics"]?.items ?? [] where metric["type"]?.string == "Pods" {
                let name = try #require(metric[path: "pods", "metric", "name"]?.string)
                #expect(names[daemon.name]?.contains(name) == true, "\(daemon) exports \(name), which its HPA scales on")
            }
        }
        // A metric an HPA takes from outside its pods (prometheus-adapter) is exported by some daemon.
        for daemon in Daemon.all {
            let hpa = try #require(manifests.named("HorizontalPodAutoscaler", daemon.name))
            for metric in hpa[path: "spec", "metrics"]?.items ?? [] where metric["type"]?.string == "External" {
                let name = try #require(metric[path: "external", "metric", "name"]?.string)
                #expect(exported.contains(name), "the suite exports \(name), which \(daemon)'s HPA scales on")
            }
        }
        let missing = dashboardQueries.subtracting(exported)
        #expect(missing.isEmpty, "the dashboard queries metrics no daemon exports: \(missing.sorted())")
    }
}
