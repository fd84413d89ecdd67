import Budgets
import Foundation
@testable import GatewayService
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceKit
import TestSupport
import Testing

/// The breaker recovers from every way `ReverseProxy.forward` can end: errors the client
/// causes (413s, a body it stops sending, hanging up while the upstream works) release a
/// half-open trial without counting against the upstream; upstream failures count, and the
/// next trial after the cooldown closes the circuit again. Against a real upstream server.
@Suite struct CircuitBreakerRecoveryTests {
    /// One way for `forward` to throw, and whether it counts as the upstream failing.
    enum ThrowPoint: String, CaseIterable, Sendable {
        case contentLengthOverBudget, streamedBodyOverBudget, clientStopsSendingTheBody, clientHangsUpWhileWaiting
        case upstreamTimesOut, upstreamUnreachable

        var countsAgainstUpstream: Bool { self == .upstreamTimesOut || self == .upstreamUnreachable }
    }

    /// Long enough that "still open right after a failure" holds on a loaded machine.
    static let cooldown = Duration.milliseconds(1_500)
    static let maxBody = BudgetCatalog.gatewayRequestBodyBytes.standard.with(limit: 1_024)

    func proxy(_ baseURL: String) -> ReverseProxy {
        // Patient: on a loaded machine a plain answer took longer than 10 s and counted as a
        // timeout. The case that times out on purpose has its own 1 s proxy.
        ReverseProxy(name: "upstream", baseURL: baseURL, timeout: .seconds(60),
                     breaker: CircuitBreaker(threshold: 1, cooldown: Self.cooldown), maxBody: Self.maxBody)
    }

    func request(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:],
                 body: RequestBody = RequestBody(buffer: ByteBuffer())) -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: "gateway", path: path,
                                  headerFields: headers),
                body: body)
    }

    /// A body that sends `chunks` of 512 bytes, then fails as a connection reset would.
    func body(chunks: Int, thenFails: Bool) -> RequestBody {
        struct ClientWentAway: Error {}
        let stream = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            for _ in 0..<chunks { continuation.yield(ByteBuffer(repeating: UInt8(ascii: "x"), count: 512)) }
            continuation.finish(throwing: thenFails ? ClientWentAway() : nil)
        }
        return RequestBody(asyncSequence: stream)
    }

    func status(_ proxy: ReverseProxy, _ request: Request) async -> Int {
        do {
            return try await proxy.forward(request, path: request.uri.path, context: ProxyTestContext()).status.code
        } catch let error as APIError {
            return error.status.code
        } catch let error as BudgetExceeded {
            return APIError(error).status.code
        } catch {
            return -1
        }
    }

    /// Fails once against the upstream (threshold 1) and waits out the cooldown: the next
    /// call is the half-open trial.
    func openThenHalfOpen(_ proxy: ReverseProxy) async throws {
        let failed = await status(proxy, request(.get, "/fail"))
        #expect(failed == 500, "the upstream's own 500, got \(failed)")
        #expect(await status(proxy, request(.get, "/ok")) == 503, "open after the failure")
        try await Task.sleep(for: Self.cooldown + .milliseconds(100))
    }

    /// Makes `forward` throw at `point`; returns the status the gateway would answer.
    func throwAt(_ point: ThrowPoint, baseURL: String) async throws -> (ReverseProxy, Int) {
        switch point {
        case .contentLengthOverBudget:
            let proxy = proxy(baseURL)
            try await openThenHalfOpen(proxy)
            return (proxy, await status(proxy, request(.post, "/ok", headers: [.contentLength: "5000"],
                                                         body: body(chunks: 10, thenFails: false))))
        case .streamedBodyOverBudget:
            let proxy = proxy(baseURL)
            try await openThenHalfOpen(proxy)
            return (proxy, await status(proxy, request(.post, "/ok", body: body(chunks: 10, thenFails: false))))
        case .clientStopsSendingTheBody:
            let proxy = proxy(baseURL)
            try await openThenHalfOpen(proxy)
            return (proxy, await status(proxy, request(.post, "/ok", body: body(chunks: 1, thenFails: true))))
        case .clientHangsUpWhileWaiting:
            let proxy = proxy(baseURL)
            try await openThenHalfOpen(proxy)
            let call = Task { await status(proxy, request(.get, "/slow")) }
            try await Task.sleep(for: .milliseconds(300))
            call.cancel()
            return (proxy, await call.value)
        case .upstreamTimesOut:
            let proxy = proxy(baseURL)
            try await openThenHalfOpen(proxy)
            // The same upstream and breaker, with a timeout shorter than /slow takes.
            let impatient = ReverseProxy(name: proxy.name, baseURL: baseURL, timeout: .seconds(1),
                                         breaker: proxy.breaker, maxBody: proxy.maxBody)
            return (proxy, await status(impatient, request(.get, "/slow")))
        case .upstreamUnreachable:
            return try await ClosedPort.with { port in
                let proxy = ReverseProxy(name: "upstream", baseURL: "http://127.0.0.1:\(port)", timeout: .seconds(10),
                                         breaker: CircuitBreaker(threshold: 1, cooldown: Self.cooldown),
                                         maxBody: Self.maxBody)
                #expect(await status(proxy, request(.get, "/ok")) == 502)
                try await Task.sleep(for: Self.cooldown + .milliseconds(100))
                let status = await status(proxy, request(.get, "/ok"))
                // The trial failed too; point the next calls at the real upstream to see recovery.
                return (ReverseProxy(name: proxy.name, baseURL: baseURL, timeout: proxy.timeout, breaker: proxy.breaker,
                                     maxBody: proxy.maxBody), status)
            }
        }
    }

    @Test(arguments: ThrowPoint.allCases)
    func aTrialThatThrowsNeverWedgesTheCircuit(point: ThrowPoint) async throws {
        try await Upstream.withRunning { baseURL in
            let (proxy, thrown) = try await throwAt(point, baseURL: baseURL)
            let expected: Int = switch point {
            case .contentLengthOverBudget, .streamedBodyOverBudget: 413
            case .clientStopsSendingTheBody, .clientHangsUpWhileWaiting: -1
            case .upstreamTimesOut: 504
            case .upstreamUnreachable: 502
            }
            #expect(thrown == expected, "\(point)")
            if point.countsAgainstUpstream {
                #expect(await status(proxy, request(.get, "/ok")) == 503, "\(point) re-opens the circuit")
                try await Task.sleep(for: Self.cooldown + .milliseconds(100))
            }
            // A client-side error gave the trial back: the very next call is the trial, and closes the circuit.
            #expect(await status(proxy, request(.get, "/ok")) == 200, "\(point): the circuit recovers")
            #expect(await status(proxy, request(.get, "/ok")) == 200, "\(point): and stays closed")
        }
    }

    @Test func answersUsersTriggerNeverOpenTheCircuit() async throws {
        try await Upstream.withRunning { baseURL in
            let proxy = proxy(baseURL)
            try await openThenHalfOpen(proxy)
            for _ in 0..<5 {
                #expect(await status(proxy, request(.post, "/ok", headers: [.contentLength: "5000"])) == 413)
                #expect(await status(proxy, request(.post, "/ok", body: body(chunks: 4, thenFails: false))) == 413)
                #expect(await status(proxy, request(.get, "/missing")) == 404)
                #expect(await status(proxy, request(.post, "/invalid")) == 400)
            }
            #expect(await status(proxy, request(.get, "/ok")) == 200)
        }
    }

    @Test func aBodyOverTheBudgetIsA413NamingIt() async throws {
        try await Upstream.withRunning { baseURL in
            do {
                _ = try await proxy(baseURL).forward(request(.post, "/ok", body: body(chunks: 4, thenFails: false)),
                                                     path: "/ok", context: ProxyTestContext())
                Issue.record("a 2 KiB body passed a 1 KiB budget")
            } catch let error as BudgetExceeded {
                #expect(error.budget.name == "GATEWAY_MAX_BODY_BYTES" && APIError(error).status == .contentTooLarge)
            }
        }
    }
}
