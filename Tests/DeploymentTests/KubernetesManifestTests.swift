import Foundation
import Testing

/// What the Kubernetes manifests promise an operator, read from k8s/base and
/// k8s/components (schema validity is scripts/check-deploy.sh's job; these are the
/// project's own rules).
@Suite struct KubernetesManifestTests {
    /// The autoscaling each daemon gets: the documented backend scaling (5–50, CPU 70 %,
    /// memory 80 %, plus the per-pod active-connections gauge where a daemon holds client
    /// connections) and smaller bounds for llm-proxy and healthd.
    struct Scaling: Sendable, CustomStringConvertible {
        let daemon: String
        let minReplicas: Int
        let maxReplicas: Int
        let cpu: Int
        let memory: Int?
        let connectionsMetric: Bool
        var description: String { daemon }
    }

    static let scaling: [Scaling] = [
        Scaling(daemon: "gateway", minReplicas: 5, maxReplicas: 50, cpu: 70, memory: 80, connectionsMetric: true),
        Scaling(daemon: "cards-api", minReplicas: 5, maxReplicas: 50, cpu: 70, memory: 80, connectionsMetric: true),
        Scaling(daemon: "realtime", minReplicas: 5, maxReplicas: 50, cpu: 70, memory: 80, connectionsMetric: true),
        Scaling(daemon: "queue-worker", minReplicas: 5, maxReplicas: 50, cpu: 70, memory: 80, connectionsMetric: false),
        Scaling(daemon: "llm-proxy", minReplicas: 2, maxReplicas: 10, cpu: 70, memory: 80, connectionsMetric: true),
        Scaling(daemon: "healthd", minReplicas: 2, maxReplicas: 3, cpu: 70, memory: nil, connectionsMetric: false),
    ]

    /// The gauge every daemon exports (Hummingbird's MetricsMiddleware) and the HPAs use.
    static let connectionsMetric = "http_server_active_requests"

    @Test(arguments: scaling)
    func eachHPAHasTheDocumentedBoundsAndMetrics(expected: Scaling) throws {
        let manifests = try KubernetesManifests.load()
        let hpa = try #require(manifests.named("HorizontalPodAutoscaler", expected.daemon))
        #expect(hpa["apiVersion"]?.string == "autoscaling/v2")
        #expect(hpa[path: "spec", "scaleTargetRef", "kind"]?.string == "Deployment")
        #expect(hpa[path: "spec", "scaleTargetRef", "name"]?.string == expected.daemon)
        #expect(manifests.named("Deployment", expected.daemon) != nil, "the target exists")
        #expect(hpa[path: "spec", "minReplicas"]?.int == expected.minReplicas)
        #expect(hpa[path: "spec", "maxReplicas"]?.int == expected.maxReplicas)

        let metrics = hpa[path: "spec", "metrics"]?.items ?? []
        func utilization(_ resource: String) -> Int? {
            metrics.first { $0["type"]?.string == "Resource" && $0[path: "resource", "name"]?.string == resource }
                .flatMap { $0[path: "resource", "target"] }
                .flatMap { $0["type"]?.string == "Utilization" ? $0["averageUtilization"]?.int : nil }
        }
        #expect(utilization("cpu") == expected.cpu)
        #expect(utilization("memory") == expected.memory)
        let pods = metrics.filter { $0["type"]?.string == "Pods" }
        if expected.connectionsMetric {
            let metric = try #require(pods.first, "a per-pod connections metric")
            #expect(metric[path: "pods", "metric", "name"]?.string == Self.connectionsMetric)
            #expect(metric[path: "pods", "target", "type"]?.string == "AverageValue")
            #expect(Int(metric[path: "pods", "target", "averageValue"]?.string ?? "") ?? 0 > 0)
        } else {
            #expect(pods.isEmpty)
        }
    }

    @Test(arguments: Daemon.all)
    func eachDeploymentRunsItsDaemonOnItsPortBehindAService(daemon: Daemon) throws {
        let manifests = try KubernetesManifests.load()
        let deployment = try #require(manifests.named("Deployment", daemon.name))
        #expect(deployment[path: "spec", "replicas"] == nil, "the HPA owns the replica count")
        let container = try #require(KubernetesManifests.container(of: deployment))
        #expect(container["image"]?.string?.hasPrefix("prompt-card-system/\(daemon.name):") == true)
        let port = try #require(container["ports"]?.items.first)
        #expect(port["containerPort"]?.int == daemon.port && port["name"]?.string == "http")
        let portVariable = container["env"]?.items.first { $0["name"]?.string == "PORT" }
        #expect(portVariable?["value"]?.string == String(daemon.port))

        let service = try #require(manifests.named("Service", daemon.name))
        let servicePort = try #require(service[path: "spec", "ports"]?.items.first)
        #expect(servicePort["port"]?.int == daemon.port && servicePort["targetPort"]?.string == "http")
        #expect(service[path: "spec", "selector", "app.kubernetes.io/name"]?.string == daemon.name)

        let budget = try #require(manifests.named("PodDisruptionBudget", daemon.name))
        #expect(budget[path: "spec", "selector", "matchLabels", "app.kubernetes.io/name"]?.string == daemon.name)
    }

    @Test(arguments: Daemon.all)
    func probesPointAtTheDaemonsHealthEndpoints(daemon: Daemon) throws {
        let deployment = try #require(try KubernetesManifests.load().named("Deployment", daemon.name))
        let probes = try #require(ProbePaths(deployment: deployment))
        let expected = daemon.name == "healthd"
            ? ProbePaths(startup: "/livez", liveness: "/livez", readiness: "/readyz")
            : ProbePaths(startup: "/health/live", liveness: "/health/live", readiness: "/health/ready")
        #expect(probes == expected)
    }

    @Test(arguments: Daemon.all)
    func podsRunNonRootReadOnlyWithoutCapabilitiesAndWithinBounds(daemon: Daemon) throws {
        let deployment = try #require(try KubernetesManifests.load().named("Deployment", daemon.name))
        let pod = try #require(deployment[path: "spec", "template", "spec"])
        #expect(pod[path: "securityContext", "runAsNonRoot"]?.bool == true)
        #expect(pod[path: "securityContext", "runAsUser"]?.int == 1001, "the uid of the image's USER")
        #expect(pod[path: "securityContext", "seccompProfile", "type"]?.string == "RuntimeDefault")
        #expect(pod["automountServiceAccountToken"]?.bool == false)
        let container = try #require(KubernetesManifests.container(of: deployment))
        #expect(container[path: "securityContext", "readOnlyRootFilesystem"]?.bool == true)
        #expect(container[path: "securityContext", "allowPrivilegeEscalation"]?.bool == false)
        #expect(container[path: "securityContext", "capabilities", "drop"]?.items.map(\.string) == ["ALL"])
        for bound in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                #expect(container[path: "resources", bound, resource] != nil, "\(bound).\(resource)")
            }
        }
        let spread = pod["topologySpreadConstraints"]?.items ?? []
        #expect(Set(spread.compactMap { $0["topologyKey"]?.string }) == ["topology.kubernetes.io/zone", "kubernetes.io/hostname"])
    }

    /// Postgres and Redis admit only pods labelled access-postgres / access-redis, and a pod
    /// carries the label exactly when it is configured with DATABASE_URL / REDIS_URL.
    @Test func onlyTheBackendReachesPostgresAndRedis() throws {
        let manifests = try KubernetesManifests.load()
        for (server, label, variable) in [("postgres", "access-postgres", "DATABASE_URL"), ("redis", "access-redis", "REDIS_URL")] {
            let policy = try #require(manifests.named("NetworkPolicy", server))
            let sources = policy[path: "spec", "ingress"]?.items.flatMap { $0["from"]?.items ?? [] } ?? []
            #expect(sources.count == 1)
            #expect(sources.first?[path: "podSelector", "matchLabels", label]?.string == "true", "\(server): \(label) only")

            for workload in manifests.all("Deployment") + manifests.all("CronJob") {
                let template = workload["kind"]?.string == "CronJob"
                    ? workload[path: "spec", "jobTemplate", "spec", "template"]
                    : workload[path: "spec", "template"]
                let name = workload[path: "metadata", "name"]?.string ?? "?"
                let labelled = template?[path: "metadata", "labels", label]?.string == "true"
                let containers = template?[path: "spec", "containers"]?.items ?? []
                let configured = containers.contains { ($0["env"]?.items ?? []).contains { $0["name"]?.string == variable } }
                #expect(labelled == configured, "\(name): \(label)=\(labelled) but \(variable) set=\(configured)")
            }
        }
    }

    /// From the Ingress controller's namespace only gateway and realtime are reachable, and
    /// the Ingress routes to nothing else.
    @Test func onlyGatewayAndRealtimeFaceTheIngress() throws {
        let manifests = try KubernetesManifests.load()
        var exposed: Set<String> = []
        for policy in manifests.all("NetworkPolicy") {
            let sources = policy[path: "spec", "ingress"]?.items.flatMap { $0["from"]?.items ?? [] } ?? []
            let fromIngress = sources.contains {
                $0[path: "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"]?.string == "ingress-nginx"
            }
            if fromIngress, let name = policy[path: "spec", "podSelector", "matchLabels", "app.kubernetes.io/name"]?.string {
                exposed.insert(name)
            }
        }
        #expect(exposed == ["gateway", "realtime"])
        #expect(manifests.named("NetworkPolicy", "default-deny-ingress")?[path: "spec", "podSelector"]?.mapping?.isEmpty == true)

        var backends: Set<String> = []
        var paths: Set<String> = []
        for ingress in manifests.all("Ingress") {
            for rule in ingress[path: "spec", "rules"]?.items ?? [] {
                for route in rule[path: "http", "paths"]?.items ?? [] {
                    if let name = route[path: "backend", "service", "name"]?.string { backends.insert(name) }
                    if let path = route["path"]?.string { paths.insert(path) }
                }
            }
        }
        #expect(backends == ["gateway", "realtime"])
        #expect(paths.isSuperset(of: ["/api", "/ws", "/events"]))
    }
}

/// The HTTP paths of a container's three probes.
struct ProbePaths: Equatable, Sendable, CustomStringConvertible {
    let startup: String
    let liveness: String
    let readiness: String

    init(startup: String, liveness: String, readiness: String) {
        self.startup = startup
        self.liveness = liveness
        self.readiness = readiness
    }

    /// Read from a Deployment's first container; nil unless all three are HTTP GETs on the
    /// container's `http` port.
    init?(deployment: YAMLValue) {
        guard let container = KubernetesManifests.container(of: deployment) else { return nil }
        func path(_ probe: String) -> String? {
            guard let get = container[path: probe, "httpGet"], get["port"]?.string == "http" else { return nil }
            return get["path"]?.string
        }
        guard let startup = path("startupProbe"), let liveness = path("livenessProbe"),
              let readiness = path("readinessProbe") else { return nil }
        self.init(startup: startup, liveness: liveness, readiness: readiness)
    }

    var description: String { "startup \(startup), liveness \(liveness), readiness \(readiness)" }
}
