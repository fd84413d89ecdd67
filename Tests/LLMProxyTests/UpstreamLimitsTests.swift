import Foundation
import Glibc
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMProxyService
import Logging
import NIOCore
import ServiceKit
import Synchronization
import TestSupport
import Testing

/// llm-proxy's upstream limits, exact across replicas: two proxies on one Redis in front
/// of one OpenAI-wire upstream that counts how many calls it serves at once.
@Suite(.serialized) struct UpstreamLimitsTests {
    static let chat = #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"#

    /// An OpenAI-compatible upstream that takes `delay` per answer and records the most
    /// calls it was answering at once.
    final class CountingUpstream: Sendable {
        let delay: Duration
        private let counts = Mutex((now: 0, most: 0, total: 0))
        init(delay: Duration) { self.delay = delay }
        var most: Int { counts.withLock { $0.most } }
        var total: Int { counts.withLock { $0.total } }

        var router: Router<BasicRequestContext> {
            let router = Router()
            router.post("/v1/chat/completions") { _, _ -> Response in
                self.counts.withLock { $0.now += 1; $0.total += 1; $0.most = max($0.most, $0.now) }
                defer { self.counts.withLock { $0.now -= 1 } }
                try await Task.sleep(for: self.delay)
                let body = #"{"id":"c","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"#
                    + #""message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            router.get("/v1/models") { _, _ in #"{"object":"list","data":[]}"# }
            return router
        }
    }

    func proxy(_ env: [String: String]) async throws -> some ApplicationProtocol {
        try await buildLLMProxy(config: LLMProxyConfig(EnvironmentReader(env.merging(["PORT": "0", "HOST": "127.0.0.1"]) { a, _ in a })),
                                logger: Logger(label: "test"))
    }

    @Test func aModelThatServesOneAtATimeGetsOneAcrossReplicas() async throws {
        let upstream = CountingUpstream(delay: .milliseconds(200))
        let fake = Application(router: upstream.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { openai in
            let env = ["OPENAI_BASE_URL": "http://127.0.0.1:\(openai.port!)/v1", "OPENAI_API_KEY": "sk-test",
                       "REDIS_URL": try TestEnvironment.redisURL(), "REDIS_KEY_PREFIX": TestEnvironment.uniquePrefix("llm"),
                       "MODEL_CONCURRENCY": "openai/gpt-4o-mini=1"]
            let (first, second) = (try await proxy(env), try await proxy(env))
            try await first.test(.live) { one in
                try await second.test(.live) { two in
                    // Six callers at once, each on a connection of its own, patient on a loaded
                    // machine (the test client reads with a 20 s timeout).
                    let ports = [try #require(one.port), try #require(two.port)]
                    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                        for index in 0..<6 {
                            group.addTask {
                                let reply = try await PatientHTTP.execute(port: ports[index % 2], "/v1/chat/completions",
                                                                          method: .POST, json: Self.chat)
                                return Int(reply.status.code)
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    #expect(statuses.allSatisfy { $0 == 200 }, "every call waited its turn: \(statuses)")
                }
            }
            #expect(upstream.total == 6 && upstream.most == 1, "served \(upstream.total), at most \(upstream.most) at once")
        }
    }

    @Test func aProvidersRequestsPerMinuteAreCountedAcrossReplicasAndThenAnswered429WithRetryAfter() async throws {
        let upstream = CountingUpstream(delay: .zero)
        let fake = Application(router: upstream.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { openai in
            let env = ["OPENAI_BASE_URL": "http://127.0.0.1:\(openai.port!)/v1", "OPENAI_API_KEY": "sk-test",
                       "REDIS_URL": try TestEnvironment.redisURL(), "REDIS_KEY_PREFIX": TestEnvironment.uniquePrefix("llm"),
                       "PROVIDER_RPM": "openai=3", "LIMIT_WAIT_SECONDS": "0"]
            let (first, second) = (try await proxy(env), try await proxy(env))
            try await first.test(.live) { one in
                try await second.test(.live) { two in
                    var statuses: [HTTPResponse.Status] = []
                    var retryAfter: String?
                    for index in 0..<5 {
                        try await (index.isMultiple(of: 2) ? one : two).execute(
                            uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)
                        ) { response in
                            statuses.append(response.status)
                            if response.status == .tooManyRequests {
                                retryAfter = response.headers[.retryAfter]
                                #expect(response.headers[.contentType] == "application/problem+json")
                                #expect(String(buffer: response.body).contains("PROVIDER_RPM"))
                            }
                        }
                    }
                    #expect(statuses == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests], "\(statuses)")
                    // One request's share of the minute is 20 s.
                    #expect(retryAfter.flatMap(Int.init).map { (1...20).contains($0) } == true, "\(retryAfter ?? "none")")
                }
            }
            #expect(upstream.total == 3)
        }
    }

    @Test func limitsThatNameNoKnownProviderAreAConfigError() {
        #expect(throws: ConfigError.self) { try LLMProxyConfig(EnvironmentReader(["PROVIDER_RPM": "openia=5"])) }
        #expect(throws: ConfigError.self) { try LLMProxyConfig(EnvironmentReader(["MODEL_CONCURRENCY": "smollm2=0"])) }
        #expect(throws: ConfigError.self) { try LLMProxyConfig(EnvironmentReader(["MODEL_CONCURRENCY": "smollm2"])) }
    }
}

/// A caller that hangs up ends its model call: llm-proxy cancels the upstream request
/// rather than wait minutes for an answer nobody will read (a cancelled job's call, say).
@Suite struct CallerDisconnectTests {
    final class Watcher: Sendable {
        private let state = Mutex<(started: ContinuousClock.Instant?, closed: ContinuousClock.Instant?)>((nil, nil))
        func start() { state.withLock { $0.started = .now } }
        func close() { state.withLock { $0.closed = .now } }
        var started: ContinuousClock.Instant? { state.withLock { $0.started } }
        var closed: ContinuousClock.Instant? { state.withLock { $0.closed } }
    }

    @Test func aCallerThatHangsUpCancelsTheUpstreamCall() async throws {
        let watcher = Watcher()
        // An upstream that would answer in a minute, and notes when its caller (llm-proxy) hangs up.
        let router = Router(context: ServiceRequestContext.self)
        router.post("/v1/chat/completions") { _, context -> Response in
            watcher.start()
            let channel = try #require(context.channel)
            let started = ContinuousClock.now
            while channel.isActive && ContinuousClock.now - started < .seconds(60) {
                try await Task.sleep(for: .milliseconds(20))
            }
            if !channel.isActive { watcher.close() }
            return Response(status: .gatewayTimeout)
        }
        // It hears the hang-up the way llm-proxy does (Hummingbird keeps half-closed connections open).
        let upstream = Application(router: router, server: CallerDisconnect.http1,
                                   configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.test(.live) { openai in
            let proxy = try await buildLLMProxy(config: LLMProxyConfig(EnvironmentReader([
                "PORT": "0", "HOST": "127.0.0.1", "OPENAI_BASE_URL": "http://127.0.0.1:\(openai.port!)/v1", "OPENAI_API_KEY": "sk-test",
            ])), logger: Logger(label: "test"))
            try await proxy.test(.live) { client in
                // The caller is a bare socket, so the test decides when it hangs up.
                let socket = try RawHTTPCaller(port: try #require(client.port))
                let body = #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"#
                try socket.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
                let waiting = ContinuousClock.now
                while watcher.started == nil && ContinuousClock.now - waiting < .seconds(60) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try #require(watcher.started != nil, "the call reached the upstream")
                let hungUp = ContinuousClock.now
                socket.close()
                while watcher.closed == nil && ContinuousClock.now - hungUp < .seconds(30) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let closed = try #require(watcher.closed, "llm-proxy never hung up on the upstream")
                #expect(closed - hungUp < .seconds(10), "hung up \(closed - hungUp) after its caller did")
            }
        }
    }
}

/// A TCP connection to a local server that sends what it is told and closes when told.
final class RawHTTPCaller: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
