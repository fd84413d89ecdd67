import Foundation

/// The Kubernetes objects of k8s/base and k8s/components, parsed once per test run (one
/// YAML document per object), for assertions on what they say.
struct KubernetesManifests: Sendable {
    /// Every object, in file order.
    let objects: [YAMLValue]

    /// Parsed on first use and shared: parsing is the costly part, and the files do not
    /// change during a run.
    private static let parsed: Result<KubernetesManifests, any Error> = Result { try read() }

    /// The manifests (k8s/base and k8s/components), or the error that reading them raised.
    static func load() throws -> KubernetesManifests {
        try parsed.get()
    }

    /// Reads every `*.yaml` under `k8s/base` and `k8s/components`, skipping kustomizations
    /// (not Kubernetes objects) and the Secret template.
    private static func read() throws -> KubernetesManifests {
        var objects: [YAMLValue] = []
        for folder in ["k8s/base", "k8s/components"] {
            let root = Repository.path(folder)
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            let files = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }.sorted()
            for file in files where !file.hasSuffix("kustomization.yaml") && !file.hasSuffix("secret.template.yaml") {
                let documents = try YAMLValue.documents(String(contentsOfFile: root + "/" + file, encoding: .utf8))
                objects += documents.filter { $0["kind"]?.string != nil }
            }
        }
        return KubernetesManifests(objects: objects)
    }

    /// The objects of one kind.
    func all(_ kind: String) -> [YAMLValue] {
        objects.filter { $0["kind"]?.string == kind }
    }

    /// The object of `kind` named `name`.
    func named(_ kind: String, _ name: String) -> YAMLValue? {
        all(kind).first { $0[path: "metadata", "name"]?.string == name }
    }

    /// The first container of a Deployment's pod template.
    static func container(of deployment: YAMLValue) -> YAMLValue? {
        deployment[path: "spec", "template", "spec", "containers"]?.items.first
    }
}
