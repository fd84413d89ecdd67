/// One authenticated Redis connection plus the thread that owns it.
///
/// All hiredis work for this connection runs on its `ConnectionThread`, one call at a time,
/// so the context is never touched by two threads; async callers just suspend meanwhile.
final class RedisConnection: Sendable {
    /// Small number used in thread names and to track the connection in its pool.
    let id: Int
    private let thread: ConnectionThread
    private let context: HiredisContext

    private init(id: Int, thread: ConnectionThread, context: HiredisContext) {
        self.id = id
        self.thread = thread
        self.context = context
    }

    deinit {
        // Free the context on its own thread, after whatever is still queued, then end the thread.
        discard()
    }

    /// Connects, then runs `AUTH` and `SELECT` as configured, all on a new dedicated thread.
    static func open(id: Int, configuration: RedisConfiguration) async throws(RedisError) -> RedisConnection {
        let thread = ConnectionThread(name: "redis-conn-\(id)")
        do throws(RedisError) {
            let context = try await thread.run { () throws(RedisError) -> HiredisContext in
                let context = try HiredisContext.connect(
                    host: configuration.host, port: configuration.port, timeout: configuration.connectTimeout)
                do throws(RedisError) {
                    try handshake(context, configuration)
                } catch {
                    context.close()
                    throw error
                }
                return context
            }
            return RedisConnection(id: id, thread: thread, context: context)
        } catch {
            thread.stop()
            throw error
        }
    }

    /// `AUTH [user] password` when a password is configured, then `SELECT db` when not 0.
    static func handshake(_ context: HiredisContext, _ configuration: RedisConfiguration) throws(RedisError) {
        if let password = configuration.password {
            var arguments = ["AUTH"]
            if let username = configuration.username { arguments.append(username) }
            arguments.append(password)
            do {
                _ = try context.command(arguments.map { Array($0.utf8) })
            } catch .server(let message) {
                throw .server("AUTH failed: \(message)")
            }
        }
        if configuration.database != 0 {
            _ = try context.command([Array("SELECT".utf8), Array(String(configuration.database).utf8)])
        }
    }

    /// Runs one command on the connection's thread.
    func send(_ arguments: [[UInt8]]) async throws(RedisError) -> RESPValue {
        try await thread.run { [context] () throws(RedisError) -> RESPValue in try context.command(arguments) }
    }

    /// Runs a pipeline on the connection's thread.
    func pipeline(_ commands: [[[UInt8]]]) async throws(RedisError) -> [RESPValue] {
        try await thread.run { [context] () throws(RedisError) -> [RESPValue] in try context.pipeline(commands) }
    }

    /// True once the connection failed; the pool must drop it instead of reusing it.
    var isBroken: Bool { context.isBroken }

    /// Cheap, non-blocking health check for an idle connection (see `HiredisContext`).
    func looksIdleAndOpen() -> Bool { context.looksIdleAndOpen() }

    /// Makes a call blocked on this connection (e.g. `BLPOP`) fail now; used by shutdown.
    func interrupt() { context.interrupt() }

    /// Closes the socket and ends the thread without waiting; for callers that cannot suspend.
    func discard() {
        thread.submit { [context] in context.close() }
        thread.stop()
    }

    /// Closes the socket and ends the thread, waiting until it has exited.
    func close() async {
        thread.submit { [context] in context.close() }
        thread.stop()
        await thread.waitUntilExited()
    }
}
