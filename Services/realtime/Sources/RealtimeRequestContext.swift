import Hummingbird
import HummingbirdWebSocket
import ServiceKit

/// realtime's request context: the shared identity fields plus the WebSocket upgrade slot.
public struct RealtimeRequestContext: IdentifiedRequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<RealtimeRequestContext>
    public var requestID: String = ""
    public var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
    }
}
