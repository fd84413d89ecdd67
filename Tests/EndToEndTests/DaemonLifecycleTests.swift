import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// What every daemon promises about starting and stopping, checked on the real binaries.
@Suite struct DaemonLifecycleTests {
    static let daemons = ["gateway", "cards-api", "realtime", "queue-worker", "llm-proxy", "healthd"]
    static let validEnvironment = [
        "DATABASE_URL": "postgres://pcs:pcs@127.0.0.1:1/pcs", "JWT_SECRET": TestSecret.jwt(),
        "HOST": "127.0.0.1",
    ]

    func binary(_ name: String) throws -> String {
        try TestEnvironment.binDirectory() + "/" + name
    }

    /// Runs a daemon that must refuse to start; returns its exit status and output.
    func refusal(_ daemon: String, _ environment: [String: String]) async throws -> (Int32, String) {
        do {
            let output = try await ShellCommand.run(try binary(daemon), [], environment: environment)
            Issue.record("\(daemon) started despite bad configuration: \(output)")
            return (0, output)
        } catch let failure as ShellCommand.Failed {
            return (failure.status, failure.output)
        }
    }

    @Test(arguments: daemons)
    func aBadPortStopsTheDaemonWithOneClearLine(daemon: String) async throws {
        let (status, output) = try await refusal(daemon, Self.validEnvironment.merging(["PORT": "eighty"]) { _, new in new })
        #expect(status == 78, "EX_CONFIG")
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1, "\(output)")
        #expect(lines.first?.contains("PORT") == true && lines.first?.contains("eighty") == true)
    }

    @Test(arguments: ["cards-api", "queue-worker", "healthd"])
    func aMissingDatabaseURLIsNamed(daemon: String) async throws {
        var environment = Self.validEnvironment
        environment["DATABASE_URL"] = ""
        let (status, output) = try await refusal(daemon, environment)
        #expect(status == 78)
        #expect(output.contains("DATABASE_URL") && output.contains("required"))
    }

    @Test(arguments: ["gateway", "cards-api", "realtime"])
    func aShortJWTSecretIsRefusedWithoutEchoingIt(daemon: String) async throws {
        var environment = Self.validEnvironment
        environment["JWT_SECRET"] = "tiny-secret-value"
        let (status, output) = try await refusal(daemon, environment)
        #expect(status == 78)
        #expect(output.contains("JWT_SECRET") && !output.contains("tiny-secret-value"))
    }

    /// The example from compose/.env.example and a guessable key: anyone could forge tokens with them.
    @Test(arguments: ["gateway", "cards-api", "realtime"])
    func anExampleOrGuessableJWTSecretStopsTheDaemonWithOneLine(daemon: String) async throws {
        let secrets = ["replace-me-with-the-output-of-openssl-rand-base64-48", String(repeating: "changeme", count: 6)]
        for secret in secrets {
            var environment = Self.validEnvironment
            environment["JWT_SECRET"] = secret
            let (status, output) = try await refusal(daemon, environment)
            #expect(status == 78, "EX_CONFIG")
            let lines = output.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.contains("JWT_SECRET") == true, "\(output)")
            #expect(!output.contains(secret))
        }
    }

    @Test func aMalformedDatabaseURLIsRefusedWithoutItsPassword() async throws {
        var environment = Self.validEnvironment
        environment["DATABASE_URL"] = "mysql://admin:hunter2@db/x"
        let (status, output) = try await refusal("cards-api", environment)
        #expect(status == 78)
        #expect(output.contains("DATABASE_URL") && !output.contains("hunter2"))
    }

    /// SIGTERM while a streamed answer is half sent: the stream completes, then the
    /// process exits 0.
    @Test func sigtermFinishesInFlightWorkThenExitsZero() async throws {
        let port = try FreePort.next()
        let directory = ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()
        let proxy = try await ManagedProcess.launch(
            executable: try binary("llm-proxy"), arguments: [],
            environment: ["HOST": "127.0.0.1", "PORT": String(port), "LOCAL_LLM_URL": try TestEnvironment.llmURL()],
            logFile: directory + "/lifecycle-llm-proxy-\(port).log")
        try await proxy.waitForPort(port, timeout: .seconds(20))

        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"model":"smollm2","stream":true,"max_tokens":96,"temperature":0,"messages":[{"role":"user","content":"Count from 1 to 50, separated by commas."}]}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.status == .ok)
        var received = ""
        var signalled = false
        for try await chunk in response.body {
            received += String(buffer: chunk)
            if !signalled && received.contains("data: {") {
                proxy.send(signal: SIGTERM)
                signalled = true
            }
        }
        #expect(signalled)
        #expect(received.hasSuffix("data: [DONE]\r\n\r\n") || received.hasSuffix("data: [DONE]\n\n"), "the stream ran to its end")
        #expect(await proxy.waitForExit(within: .seconds(10)))
        #expect(proxy.exitStatus == 0)
    }
}
