import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TestSupport
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

    /// OTLP's JSON as swift-otel writes it: ids are protobuf `bytes`, so base64; the hex form
    /// of the OTLP/JSON spec is accepted too.
    static func span(in body: Data, traceID: String) -> Span? {
        guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
            let attributes = (resourceSpans["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
            let service = attributes.first { $0["key"] as? String == "service.name" }
                .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String }
            for scope in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] where hex(span["traceId"]) == traceID {
                    let json = String(decoding: (try? JSONSerialization.data(withJSONObject: span)) ?? Data(), as: UTF8.self)
                    return Span(service: service, parentSpanID: hex(span["parentSpanId"]), json: json)
                }
            }
        }
        return nil
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
