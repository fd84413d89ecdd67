import Foundation
import TestSupport

/// The six daemons as the deployment files must know them: executable name and default
/// port (README's table), and where their files live in the repository.
struct Daemon: Sendable, CustomStringConvertible, Hashable {
    let name: String
    let port: Int

    static let all: [Daemon] = [
        Daemon(name: "gateway", port: 8100),
        Daemon(name: "cards-api", port: 8101),
        Daemon(name: "realtime", port: 8102),
        Daemon(name: "queue-worker", port: 8103),
        Daemon(name: "llm-proxy", port: 8104),
        Daemon(name: "healthd", port: 8105),
    ]

    static func named(_ name: String) -> Daemon? { all.first { $0.name == name } }

    var description: String { name }

    /// Services/<name>/Dockerfile.
    var dockerfilePath: String { Repository.path("Services/\(name)/Dockerfile") }

    /// The debug binary `swift build` made (PCS_BIN_DIR).
    func binaryPath() throws -> String { try TestEnvironment.binDirectory() + "/" + name }
}

/// Paths inside the repository and small file helpers.
enum Repository {
    static func path(_ relative: String) -> String {
        (TestEnvironment.repositoryRoot() as NSString).appendingPathComponent(relative)
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The executable products Package.swift declares (`.executable(name: "…"`).
    static func executableProducts() throws -> Set<String> {
        let manifest = try read("Package.swift")
        let pattern = /\.executable\(name:\s*"([^"]+)"/
        return Set(manifest.matches(of: pattern).map { String($0.output.1) })
    }

    /// A fresh scratch folder under the run's PCS_TEST_DIR (or the temporary folder).
    static func scratchDirectory(_ label: String) throws -> String {
        let base = ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()
        let path = (base as NSString).appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
