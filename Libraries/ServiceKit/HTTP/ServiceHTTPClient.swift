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
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        // Idle connections are closed before the upstream closes them: llama.cpp's server
        // drops keep-alive connections idle for 5 s, and a request sent on one at that moment
        // fails (remote connection closed) although the upstream is fine.
        configuration.connectionPool.idleTimeout = .seconds(4)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// For the gateway's forwarding: like `shared`, but a redirect is the upstream's answer to
    /// hand to the client as it is, never one for the gateway to follow.
    public static let proxy: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.connectionPool.idleTimeout = .seconds(4)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// For calls to URLs users gave (webhooks): redirects are not followed, since a public
    /// receiver could otherwise send the call on to an address the caller checked it is not.
    public static let outbound: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.idleTimeout = .seconds(30)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}

extension Duration {
    /// The same span as NIO's `TimeAmount`, which AsyncHTTPClient's deadlines take.
    public var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
