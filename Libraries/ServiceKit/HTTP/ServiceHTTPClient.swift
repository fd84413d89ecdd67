import AsyncHTTPClient
import NIOCore

/// The HTTP client daemons use to call each other and upstream LLM APIs.
///
/// Unlike `HTTPClient.shared`, connection attempts are bounded (5 s): an upstream that
/// refuses connections fails the call quickly (a 502 at the gateway, a counted breaker
/// failure) instead of hanging until the request's own deadline. 2 s was too tight on a
/// loaded 2-core machine: loopback connects to a live llama.cpp server timed out while a
/// build ran beside the tests. The per-host pool is
/// sized for a proxy's fan-in rather than a browser's.
public enum ServiceHTTPClient {
    public static let shared = make(redirects: .follow(max: 5, allowCycles: false))

    /// For the gateway's forwarding: like `shared`, but a redirect is the upstream's answer to
    /// hand to the client as it is, never one for the gateway to follow.
    public static let proxy = make(redirects: .disallow)

    /// For calls to URLs users gave (webhooks): redirects are not followed, since a public
    /// receiver could otherwise send the call on to an address the caller checked it is not.
    /// Receivers are many and far, so the pool is a default one that keeps connections longer.
    public static let outbound = make(redirects: .disallow, perHostConnections: nil, idleTimeout: .seconds(30))

    /// - Parameter idleTimeout: idle connections are closed before the upstream closes them:
    ///   llama.cpp's server drops keep-alive connections idle for 5 s, and a request sent on
    ///   one at that moment fails (remote connection closed) although the upstream is fine.
    static func make(redirects: HTTPClient.Configuration.RedirectConfiguration, perHostConnections: Int? = 64,
                     idleTimeout: TimeAmount = .seconds(4)) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: redirects)
        configuration.timeout.connect = .seconds(5)
        if let perHostConnections {
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = perHostConnections
        }
        configuration.connectionPool.idleTimeout = idleTimeout
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

extension Duration {
    /// The same span as NIO's `TimeAmount`, which AsyncHTTPClient's deadlines take.
    public var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
