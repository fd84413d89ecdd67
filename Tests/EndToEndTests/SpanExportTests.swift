import AsyncHTTPClient
import EventStreams
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import RedisClient
import Synchronization
import TestSupport
import TracePropagation
import Testing

/// A daemon's spans reach an OTLP/HTTP receiver through the real exporter (swift-otel, JSON
/// encoding), and a caller's `traceparent` makes the daemon's span a child in the caller's
/// trace. Checked on the real llm-proxy binary; every daemon starts the same way (`Daemon.run`).
@Suite struct SpanExportTests {
    @Test func aRequestsSpanIsExportedInTheCallersTrace() async throws {
        let traceID = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let parentID = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let receiver = OTLPReceiver()
        try await receiver.serve { receiverURL in
            let port = try FreePort.next()
            let directory = ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()
            let proxy = try await ManagedProcess.launch(
                executable: try TestEnvironment.binDirectory() + "/llm-proxy", arguments: [],
                environment: [
                    "HOST": "127.0.0.1", "PORT": String(port), "OTEL_EXPORTER_OTLP_ENDPOINT": receiverURL,
                    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100",
                ],
                logFile: directory + "/span-export-llm-proxy-\(port).log")
            try await proxy.waitForPort(port, timeout: .seconds(60))

            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health/live?token=very-secret")
            request.headers.add(name: "traceparent", value: "00-\(traceID)-\(parentID)-01")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)

            let span = try await receiver.span(inTrace: traceID, within: .seconds(120))
            #expect(span.service == "llm-proxy")
            #expect(span.parentSpanID == parentID, "the caller's span is the parent")
            #expect(!span.json.contains("very-secret"), "a token in the query is redacted: \(span.json)")

            proxy.send(signal: SIGTERM)
            #expect(await proxy.waitForExit(within: .seconds(30)))
            #expect(proxy.exitStatus == 0)
        }
    }
}

/// One trace across the daemons: a run started with the caller's `traceparent` is traced
/// through cards-api (the request), queue-worker (each job, continuing the trace from the job
/// envelope) and llm-proxy (the model call, from the worker's trace headers), all exported
/// by the real binaries to one receiver.
@Suite(.serialized) struct RunTraceEndToEndTests {
    @Test func aRunIsOneTraceAcrossCardsAPIQueueWorkerAndLLMProxy() async throws {
        let traceID = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let receiver = OTLPReceiver()
        try await receiver.serve { receiverURL in
            try await TestDatabase.with { _, databaseURL in
                let suite = try await SuiteProcesses.start(databaseURL: databaseURL, extra: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": receiverURL, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                    "OTEL_BSP_SCHEDULE_DELAY": "200", "LOG_LEVEL": "debug",
                ])
                do {
                    let runID = try await Self.runTraced(on: suite, traceID: traceID)
                    let services = try await receiver.services(inTrace: traceID, including: ["cards-api", "queue-worker", "llm-proxy"],
                                                               within: .seconds(120))
                    #expect(services.isSuperset(of: ["cards-api", "queue-worker", "llm-proxy"]),
                            "\(services); all exports: \(receiver.summary())")
                    // The run's events carry the trace (the request's for run.queued, the jobs' after).
                    let events = try await Self.events(ofRun: runID, on: suite)
                    #expect(Set(events.map(\.type)).isSuperset(of: ["run.queued", "run.started", "case.completed", "run.completed"]))
                    for event in events {
                        #expect(event.traceID == traceID, "\(event.type) carries \(event.traceID ?? "no trace")")
                    }
                    // And so do the daemons' log lines about it.
                    for daemon in ["cards-api", "queue-worker", "llm-proxy"] {
                        let log = (try? String(contentsOfFile: "\(suite.runDirectory)/logs/\(daemon).log", encoding: .utf8)) ?? ""
                        #expect(log.contains("\"trace_id\":\"\(traceID)\""), "\(daemon) logged no line with the trace id")
                    }
                } catch {
                    await suite.stop()
                    throw error
                }
                await suite.stop()
            }
        }
    }

    /// The run's events as realtime reads them (the channel's history stream): type and trace id.
    static func events(ofRun runID: String, on suite: SuiteProcesses) async throws -> [(type: String, traceID: String?)] {
        let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL()))
        let bus = EventBus(redis: redis, keys: RedisKeys(prefix: try #require(suite.environment["REDIS_KEY_PREFIX"])))
        let history = try await bus.history(channel: "run:\(runID)", after: "0")
        await redis.shutdown()
        return history.map { ($0.type, $0.traceparent.flatMap(TraceContext.traceID(of:))) }
    }

    @discardableResult
    static func runTraced(on suite: SuiteProcesses, traceID: String) async throws -> String {
        var api = APIClient(baseURL: suite.nginxURL + "/api/v1")
        let email = "trace-\(UUID().uuidString.prefix(6))@example.com"
        _ = try await api.send(.POST, "/auth/register", json: ["email": email, "password": "correct horse"])
        let login = try await api.send(.POST, "/auth/login", json: ["email": email, "password": "correct horse"])
        api.token = try #require(login.json["access_token"] as? String, "\(login.text)")
        let card = try await api.send(.POST, "/cards", json: ["title": "Trace", "template": "Say {{word}}."])
        let cardID = try #require(card.json["id"] as? String, "\(card.text)")
        let test = try await api.send(.POST, "/cards/\(cardID)/tests", json: [
            "vars": ["word": "hello"], "assert": [["type": "regex", "value": "."]],
        ])
        #expect(test.status == 201, "\(test.text)")
        let parent = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let run = try await api.send(.POST, "/cards/\(cardID)/runs", json: ["models": ["smollm2"]],
                                     headers: [("traceparent", "00-\(traceID)-\(parent)-01")])
        let runID = try #require(run.json["id"] as? String, "\(run.text)")
        let started = ContinuousClock.now
        while ContinuousClock.now - started < PatientHTTP.patience {
            let status = try await api.send(.GET, "/runs/\(runID)").json["status"] as? String
            if status == "completed" || status == "failed" || status == "cancelled" { return runID }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("run \(runID) did not finish")
        return runID
    }
}

/// A minimal OTLP/HTTP trace receiver (`POST /v1/traces`, JSON encoding) that keeps what it
/// was sent.
final class OTLPReceiver: Sendable {
    struct Span {
        var service: String?
        var parentSpanID: String?
        var json: String
    }

    private let bodies = Mutex<[Data]>([])

    func serve<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 16 << 20)
            self.bodies.withLock { $0.append(Data(buffer.readableBytesView)) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))")
        }
    }

    /// The first span received in `traceID` (hex), waiting for the exporter's batch.
    func span(inTrace traceID: String, within limit: Duration) async throws -> Span {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < limit {
            for body in bodies.withLock({ $0 }) {
                if let span = Self.span(in: body, traceID: traceID) { return span }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw OTLPReceiverError(description: "no span of trace \(traceID) within \(limit); got \(bodies.withLock { $0.count }) exports")
    }

    /// Every span received, as `service trace-id name`, to see what went wrong.
    func summary() -> String {
        bodies.withLock { $0 }.compactMap { body -> String? in
            guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
            return (root["resourceSpans"] as? [[String: Any]] ?? []).map { resourceSpans in
                let attributes = (resourceSpans["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
                let service = attributes.first { $0["key"] as? String == "service.name" }
                    .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String } ?? "?"
                let spans = (resourceSpans["scopeSpans"] as? [[String: Any]] ?? []).flatMap { $0["spans"] as? [[String: Any]] ?? [] }
                return spans.map { "\(service) \(Self.hex($0["traceId"]) ?? "?") \($0["name"] ?? "?")" }.joined(separator: "; ")
            }.joined(separator: "; ")
        }.joined(separator: " | ")
    }

    /// The services that sent spans of `traceID`, once they include `expected` (or the time is up).
    func services(inTrace traceID: String, including expected: Set<String>, within limit: Duration) async throws -> Set<String> {
        let started = ContinuousClock.now
        var seen: Set<String> = []
        while ContinuousClock.now - started < limit {
            seen = Set(bodies.withLock { $0 }.flatMap { Self.spans(in: $0, traceID: traceID) }.compactMap(\.service))
            if seen.isSuperset(of: expected) { return seen }
            try await Task.sleep(for: .milliseconds(200))
        }
        return seen
    }

    /// OTLP's JSON as swift-otel writes it: ids are protobuf `bytes`, so base64; the hex form
    /// of the OTLP/JSON spec is accepted too.
    static func span(in body: Data, traceID: String) -> Span? {
        spans(in: body, traceID: traceID).first
    }

    static func spans(in body: Data, traceID: String) -> [Span] {
        guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
        var found: [Span] = []
        for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
            let attributes = (resourceSpans["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
            let service = attributes.first { $0["key"] as? String == "service.name" }
                .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String }
            for scope in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] where hex(span["traceId"]) == traceID {
                    let json = String(decoding: (try? JSONSerialization.data(withJSONObject: span)) ?? Data(), as: UTF8.self)
                    found.append(Span(service: service, parentSpanID: hex(span["parentSpanId"]), json: json))
                }
            }
        }
        return found
    }

    static func hex(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit), text.count == 32 || text.count == 16 { return text.lowercased() }
        guard let data = Data(base64Encoded: text) else { return nil }
        return data.map { String(format: "%02x", $0) }.joined()
    }
}

struct OTLPReceiverError: Error, CustomStringConvertible {
    let description: String
}
