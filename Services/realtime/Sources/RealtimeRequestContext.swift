import Hummingbird
import HummingbirdWebSocket
import NIOCore
import ServiceKit

/// realtime's request context: the shared identity fields, the WebSocket upgrade slot and the peer.
public struct RealtimeRequestContext: IdentifiedRequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<RealtimeRequestContext>
    public var requestID: String = ""
    public var identity: Identity?
    /// The TCP peer (nginx, in a deployment); see `ClientAddress`.
    public let peer: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.peer = source.channel.remoteAddress
    }
}
