import HummingbirdCore
import NIOCore

/// Hummingbird runs a handler to its end even when its caller has gone away. For a handler
/// that waits long on someone else — llm-proxy on a model for minutes — that is work, and a
/// model slot, spent on nobody; worse, a cancelled job's model call would go on. This runs
/// the work and cancels it as soon as the caller's connection closes, which cancels the
/// upstream call in turn (AsyncHTTPClient closes its request on cancellation). A server
/// whose handlers use it installs `HangUpHandler`: Hummingbird allows half-closed
/// connections, so a caller's close alone would leave the channel active.
public enum CallerDisconnect {
    /// The caller closed its connection before the answer was ready.
    public struct Left: Error, CustomStringConvertible {
        public var description: String { "the caller closed its connection" }
    }

    /// How often the connection is looked at: a caller that left is noticed within this.
    static let checkInterval = Duration.milliseconds(100)

    /// `work`, cancelled if `channel` closes first (then `Left` is thrown). Without a
    /// channel (a test router), just `work`.
    public static func cancelling<T: Sendable>(on channel: (any Channel)?,
                                               _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        // Only a live connection can be watched (a test router's stand-in never was one).
        guard let channel, channel.isActive else { return try await work() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                // Polled rather than awaited: closeFuture ignores task cancellation, and the
                // watcher must end the moment the work does.
                while channel.isActive { try await Task.sleep(for: checkInterval) }
                throw Left()
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let next { return next }
            }
            throw CancellationError()
        }
    }
}

extension CallerDisconnect {
    /// Closes a connection whose caller has closed its side, so the handler working for it
    /// sees the channel go inactive. HTTP/1.1 clients do not half-close and wait for an
    /// answer, so nothing that would still be read is lost.
    public final class HangUpHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
        public typealias InboundIn = NIOAny

        public init() {}

        public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent, event == .inputClosed {
                context.close(promise: nil)
                return
            }
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// An HTTP/1.1 server whose handlers learn when their caller hangs up.
    public static var http1: HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [HangUpHandler()]))
    }
}
