import Hummingbird
import Logging
import ServiceKit

/// A request context for calling `ReverseProxy.forward` directly, without a server in front.
struct ProxyTestContext: IdentifiedRequestContext {
    struct Source: RequestContextSource {
        let logger: Logger
    }

    var coreContext: CoreRequestContextStorage
    var requestID = "proxy-test"
    var identity: Identity?

    init(source: Source) {
        self.coreContext = .init(source: source)
    }

    init() {
        self.init(source: Source(logger: Logger(label: "gateway-tests")))
    }
}
