import Foundation
import Testing

/// The daemons read only the variables of README's configuration table; a name the
/// deployment files set that is not in the table would be silently ignored (a typo such
/// as OLLAMA_URL), so every name they give a daemon must be in it.
@Suite struct ConfigurationNamesTests {
    /// The variable names of README's "Configuration" table and of docs/LIMITS.md's budgets
    /// (first column, in backticks).
    static func documentedNames() throws -> Set<String> {
        let tables = try Repository.read("README.md") + "\n" + Repository.read("docs/LIMITS.md")
        var names: Set<String> = []
        for line in tables.split(separator: "\n") where line.hasPrefix("| `") {
            let firstColumn = line.dropFirst(2).prefix { $0 != "|" }
            names.formUnion(firstColumn.matches(of: /`([A-Z][A-Z0-9_]*)`/).map { String($0.output.1) })
        }
        return names
    }

    @Test func everyVariableTheKubernetesManifestsSetIsOneTheDaemonsRead() throws {
        let documented = try Self.documentedNames()
        #expect(documented.isSuperset(of: ["PORT", "DATABASE_URL", "REDIS_URL", "JWT_SECRET", "OLLAMA_BASE_URL"]))
        let manifests = try KubernetesManifests.load()
        let config = try #require(manifests.named("ConfigMap", "pcs-config"))
        let configured = Set((config["data"]?.mapping ?? [:]).keys)
        #expect(configured.subtracting(documented).isEmpty, "pcs-config: \(configured.subtracting(documented).sorted())")
        for daemon in Daemon.all {
            let deployment = try #require(manifests.named("Deployment", daemon.name))
            let container = try #require(KubernetesManifests.container(of: deployment))
            let names = Set(container["env"]?.items.compactMap { $0["name"]?.string } ?? [])
            #expect(names.subtracting(documented).isEmpty, "\(daemon): \(names.subtracting(documented).sorted())")
        }
    }

    @Test func everyVariableComposeGivesADaemonIsOneTheDaemonsRead() throws {
        let documented = try Self.documentedNames()
        let compose = try #require(try YAMLValue.documents(Repository.read("compose/docker-compose.yml")).first)
        for daemon in Daemon.all {
            let service = try #require(compose[path: "services", daemon.name], "compose has \(daemon)")
            let names = Set((service["environment"]?.mapping ?? [:]).keys)
            #expect(names.contains("PORT"))
            #expect(names.subtracting(documented).isEmpty, "\(daemon): \(names.subtracting(documented).sorted())")
            #expect(service[path: "build", "dockerfile"]?.string == "Services/\(daemon.name)/Dockerfile")
        }
    }
}
