import Foundation
import ServiceKit
import TestSupport
import Testing

/// A `JWT_SECRET` anyone could guess (an example from the repository, or a low-entropy value)
/// stops the daemon with one line naming the variable, never echoing the value.
@Suite struct SecretStrengthTests {
    static let guessable = [
        String(repeating: "k", count: 48), String(repeating: "changeme", count: 6),
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ", String(repeating: "0123456789", count: 5),
        "change-me-to-at-least-32-random-characters", "REPLACE-with-at-least-32-random-characters",
        "Change-Me-To-At-Least-32-Random-Characters",
    ]

    @Test(arguments: guessable)
    func guessableSecretsAreRefusedWithoutEchoingThem(secret: String) {
        #expect {
            try EnvironmentReader(["JWT_SECRET": secret]).secret("JWT_SECRET", minimumLength: 32)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.variable == "JWT_SECRET" && !error.description.contains(secret)
                && error.description.contains("openssl rand -base64 48")
        }
    }

    @Test func generatedSecretsAreAccepted() throws {
        for _ in 0..<20 {
            let secret = TestSecret.jwt()
            #expect(try EnvironmentReader(["JWT_SECRET": secret]).secret("JWT_SECRET", minimumLength: 32) == secret)
            #expect(SecretStrength.estimatedBits(secret) > 250)
        }
        let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
        #expect(SecretStrength.weakness(of: hex) == nil, "`openssl rand -hex 32` passes too")
    }

    /// Every JWT_SECRET value the repository writes down (templates, README, docs) is refused,
    /// so a copied example can never sign tokens.
    @Test func everyExampleSecretInTheRepositoryIsRefused() throws {
        let root = TestEnvironment.repositoryRoot()
        var files = ["compose/.env.example", "k8s/base/secret.template.yaml", "README.md"]
        files += (try FileManager.default.contentsOfDirectory(atPath: root + "/docs")).map { "docs/" + $0 }
        var found: [String: String] = [:]
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for match in text.matches(of: /JWT_SECRET\s*[=:]\s*"?([^\s"`$|]+)/) {
                found[String(match.output.1)] = file
            }
        }
        #expect(found.count >= 2, "the .env example and the secret template each show one: \(found)")
        for (value, file) in found {
            #expect(SecretStrength.weakness(of: value) != nil, "\(file): \(value) would be accepted")
        }
    }
}
