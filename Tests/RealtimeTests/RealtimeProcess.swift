import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import ServiceKit
import TestSupport

/// The real realtime binary on a free port, against the test Redis (own key prefix), logging
/// at debug into a file of its own; `cardsAPIURL` is whatever answers for cards-api.
struct RealtimeProcess: Sendable {
    let process: ManagedProcess
    let port: Int
    let keyPrefix: String
    let logFile: String
    let tokens: AccessTokens

    static func start(cardsAPIURL: String, settings: [String: String] = [:]) async throws -> RealtimeProcess {
        let port = try FreePort.next()
        let secret = TestSecret.jwt()
        let prefix = TestEnvironment.uniquePrefix("rt")
        let directory = ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()
        let logFile = directory + "/realtime-\(port).log"
        let environment = [
            "HOST": "127.0.0.1", "PORT": String(port), "REDIS_URL": try TestEnvironment.redisURL(),
            "REDIS_KEY_PREFIX": prefix, "JWT_SECRET": secret, "CARDS_API_URL": cardsAPIURL, "LOG_LEVEL": "debug",
        ].merging(settings) { $1 }
        let process = try await ManagedProcess.launch(
            executable: try TestEnvironment.binDirectory() + "/realtime", arguments: [], environment: environment,
            logFile: logFile)
        try await process.waitForPort(port, timeout: .seconds(20))
        return RealtimeProcess(process: process, port: port, keyPrefix: prefix, logFile: logFile,
                               tokens: await AccessTokens(secret: secret))
    }

    /// Runs `body` with a realtime process, stopping it however `body` ends.
    static func with<T: Sendable>(cardsAPIURL: String, settings: [String: String] = [:],
                                  _ body: (RealtimeProcess) async throws -> T) async throws -> T {
        let realtime = try await start(cardsAPIURL: cardsAPIURL, settings: settings)
        do {
            let result = try await body(realtime)
            await realtime.process.terminate()
            return result
        } catch {
            await realtime.process.terminate()
            throw error
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var wsURL: String { "ws://127.0.0.1:\(port)/ws" }

    func token(for user: UUID = UUID()) async throws -> String {
        try await tokens.issue(for: Identity(userID: user, email: "u@example.com", role: "user"))
    }

    func log() -> String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    /// A plain HTTP GET (no upgrade): its status and body.
    func get(_ path: String, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: baseURL + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        if response.headers.first(name: "content-type") == "text/event-stream" {
            var body = ""
            for try await chunk in response.body {
                body += String(buffer: chunk)
                if body.contains("\n\n") { break }
            }
            return (Int(response.status.code), body)
        }
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }
}

/// A WebSocket client connection held open in the background until `close()`.
final class HeldConnection: Sendable {
    private let task: Task<WebSocketCloseFrame?, any Error>
    private let stop: AsyncStream<Void>.Continuation
    /// The server's first reply to the subscribe sent on opening.
    let firstReply: Task<String?, Never>

    init(url: String, headers: HTTPFields = [:], subscribe channel: String = "health") {
        let (stopped, stop) = AsyncStream<Void>.makeStream()
        let (replies, reply) = AsyncStream<String>.makeStream()
        self.stop = stop
        self.firstReply = Task {
            var iterator = replies.makeAsyncIterator()
            return await iterator.next()
        }
        self.task = Task {
            defer { reply.finish() }
            return try await WebSocketClient.connect(
                url: url, configuration: .init(additionalHeaders: headers), logger: Logger(label: "rt-test")
            ) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"op":"subscribe","channel":"\#(channel)"}"#))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { reply.yield(text) }
                        }
                        reply.finish()
                    }
                    for await _ in stopped { break }
                    try await outbound.close(.normalClosure, reason: nil)
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Closes the connection (if still open) and returns the server's close frame, if any.
    @discardableResult
    func close() async throws -> WebSocketCloseFrame? {
        stop.yield()
        stop.finish()
        return try await task.value
    }
}
