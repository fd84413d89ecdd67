import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// An LLM answer streams through the gateway as it is made: the first event arrives long
/// before the last, and a caller that hangs up ends the upstream's stream too.
@Suite struct StreamingTests {
    func streamRequest(_ gateway: GatewayProcess) async throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: gateway.baseURL + "/api/v1/llm/v1/stream")
        request.headers.add(name: "Authorization", value: "Bearer \(try await gateway.token())")
        return request
    }

    @Test func theFirstEventArrivesLongBeforeTheLast() async throws {
        let upstream = RecordingUpstream(chunks: 6, interval: .milliseconds(500))
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            let started = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(try await streamRequest(gateway), timeout: .seconds(120))
            #expect(response.headers["content-type"].first == "text/event-stream")
            var firstByte: Duration?
            var text = ""
            for try await chunk in response.body {
                if firstByte == nil { firstByte = ContinuousClock.now - started }
                text += String(buffer: chunk)
            }
            let total = ContinuousClock.now - started
            #expect(text.hasSuffix("data: [DONE]\n\n") && text.contains("{\"chunk\":5}"))
            // Six events 500 ms apart take 3 s at least; the first may not wait for them.
            let first = try #require(firstByte)
            #expect(total >= .milliseconds(2_900))
            #expect(first < total - .milliseconds(2_000), "first byte after \(first) of \(total)")
            #expect(upstream.ends == [.completed])
        }
    }

    @Test func aCallerThatHangsUpEndsTheUpstreamStream() async throws {
        let upstream = RecordingUpstream(chunks: 200, interval: .milliseconds(100))
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            let request = try await streamRequest(gateway)
            // A client of its own, shut down after the first event: its connection closes.
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let response = try await client.execute(request, timeout: .seconds(120))
            var iterator = response.body.makeAsyncIterator()
            _ = try await iterator.next()
            try await client.shutdown()
            let deadline = ContinuousClock.now + .seconds(30)
            while upstream.ends.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            // 200 events would take 20 s; the upstream saw its caller leave well before.
            #expect(upstream.ends == [.callerLeft])
        }
    }
}
