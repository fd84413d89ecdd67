import CHiredis
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One hiredis context: the C boundary of the blocking client.
///
/// Every method except `interrupt()` and `looksIdleAndOpen()` blocks and must be called from
/// the single thread that owns this context (its `ConnectionThread`), because hiredis is not
/// thread-safe. After any I/O, EOF or protocol error hiredis leaves the context in a
/// permanent error state, so `isBroken` turns true and the owner must discard it.
final class HiredisContext: Sendable {
    /// The C context. Keeping the raw pointer inside a Mutex is what makes this class
    /// Sendable without `@unchecked`. Only the owning thread locks it, so it is never
    /// contended even though it is held across blocking calls.
    private let context: Mutex<UnsafeMutablePointer<redisContext>?>
    /// The socket, guarded apart from the context so other threads can `shutdown()` it while
    /// the owner is blocked in a read. The fd is closed under this lock, so a number the
    /// kernel has since handed to another socket is never shut down by mistake.
    private let socket: Mutex<Int32>
    private let broken = Atomic<Bool>(false)

    private init(_ pointer: sending UnsafeMutablePointer<redisContext>) {
        socket = Mutex(pcs_redis_fd(pointer))
        context = Mutex(pointer)
    }

    deinit {
        // Last reference gone: nobody else can be using the context, so freeing here is safe.
        close()
    }

    /// True once the context hit a connection or protocol error; it must not be reused.
    var isBroken: Bool { broken.load(ordering: .acquiring) }

    /// Opens a TCP connection (blocking, bounded by `timeout`) with keep-alive enabled.
    static func connect(host: String, port: Int, timeout: Duration) throws(RedisError) -> HiredisContext {
        guard let pointer = redisConnectWithTimeout(host, Int32(clamping: port), timeval(timeout)) else {
            throw .connection("cannot allocate a hiredis context")
        }
        if pcs_redis_err(pointer) != 0 {
            let reason = String(cString: pcs_redis_errstr(pointer))
            redisFree(pointer)
            throw .connection("connect to \(host):\(port) failed: \(reason)")
        }
        // Keep-alive lets the kernel notice a peer that vanished without closing the socket.
        _ = redisEnableKeepAlive(pointer)
        return HiredisContext(pointer)
    }

    /// Sends one command and waits for its reply. A top-level error reply throws `.server`.
    func command(_ arguments: [[UInt8]]) throws(RedisError) -> RESPValue {
        let reply = try context.withLock { pointer throws(RedisError) -> RESPValue in
            let pointer = try usable(pointer)
            let raw = Self.withArgv(arguments) { argc, argv, lengths in
                redisCommandArgv(pointer, argc, argv, lengths)
            }
            guard let raw else { throw failure(pointer) }
            return Self.consume(raw)
        }
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Writes all commands in one go, then reads one reply per command, in order.
    /// Error replies stay in place as `.error` so one bad command does not hide the others.
    func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RESPValue] {
        try context.withLock { pointer throws(RedisError) -> [RESPValue] in
            let pointer = try usable(pointer)
            for arguments in commands {
                let status = Self.withArgv(arguments) { argc, argv, lengths in
                    redisAppendCommandArgv(pointer, argc, argv, lengths)
                }
                guard status == REDIS_OK else { throw failure(pointer) }
            }
            var replies: [RESPValue] = []
            replies.reserveCapacity(commands.count)
            for _ in commands {
                var raw: UnsafeMutableRawPointer?
                guard redisGetReply(pointer, &raw) == REDIS_OK, let raw else { throw failure(pointer) }
                replies.append(Self.consume(raw))
            }
            return replies
        }
    }

    // MARK: - Buffer-level I/O, for the subscriber's poll() loop

    /// The socket to poll for readability; -1 once closed.
    var fileDescriptor: Int32 { socket.withLock { $0 } }

    /// Formats a command into the output buffer without writing it yet.
    func append(_ arguments: [[UInt8]]) throws(RedisError) {
        try context.withLock { pointer throws(RedisError) in
            let pointer = try usable(pointer)
            let status = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(pointer, argc, argv, lengths)
            }
            guard status == REDIS_OK else { throw failure(pointer) }
        }
    }

    /// Writes the whole output buffer to the socket.
    func flush() throws(RedisError) {
        try context.withLock { pointer throws(RedisError) in
            let pointer = try usable(pointer)
            var done: Int32 = 0
            while done == 0 {
                guard redisBufferWrite(pointer, &done) == REDIS_OK else { throw failure(pointer) }
            }
        }
    }

    /// Reads what the socket has into hiredis's reader. Call only when poll() reported the
    /// socket readable, or it blocks until data arrives.
    func readAvailable() throws(RedisError) {
        try context.withLock { pointer throws(RedisError) in
            let pointer = try usable(pointer)
            guard redisBufferRead(pointer) == REDIS_OK else { throw failure(pointer) }
        }
    }

    /// The next complete reply already buffered, or nil when more input is needed.
    /// Error replies are returned as `.error`, not thrown.
    func nextBufferedReply() throws(RedisError) -> RESPValue? {
        try context.withLock { pointer throws(RedisError) -> RESPValue? in
            let pointer = try usable(pointer)
            var raw: UnsafeMutableRawPointer?
            guard redisGetReplyFromReader(pointer, &raw) == REDIS_OK else { throw failure(pointer) }
            return raw.map(Self.consume)
        }
    }

    /// Interrupts a blocked read or write from any thread by shutting the socket down;
    /// the blocked call then fails and the context is discarded.
    func interrupt() {
        socket.withLock { fd in
            if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// For an idle pooled connection: true if the socket is open and has nothing to read.
    /// An idle RESP2 connection never has pending input, so readable (or hung up) means EOF
    /// or reset: typically the server restarted. Non-blocking; callable from any thread while the
    /// connection is not in use.
    func looksIdleAndOpen() -> Bool {
        guard !isBroken else { return false }
        return socket.withLock { fd -> Bool in
            guard fd >= 0 else { return false }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            return poll(&entry, 1, 0) == 0
        }
    }

    /// Frees the context and closes its socket; later calls throw `.closed`.
    func close() {
        broken.store(true, ordering: .releasing)
        context.withLock { pointer in
            guard let current = pointer else { return }
            socket.withLock { fd in
                fd = -1
                redisFree(current)
            }
            pointer = nil
        }
    }

    // MARK: - Helpers (called with the context lock held)

    private func usable(_ pointer: UnsafeMutablePointer<redisContext>?) throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let pointer else { throw .closed }
        guard !isBroken else { throw .connection("connection is in an error state") }
        return pointer
    }

    /// Reads hiredis's error, marks the context broken (hiredis never recovers one) and
    /// maps the error code onto `RedisError`.
    private func failure(_ pointer: UnsafeMutablePointer<redisContext>) -> RedisError {
        broken.store(true, ordering: .releasing)
        let code = pcs_redis_err(pointer)
        let reason = String(cString: pcs_redis_errstr(pointer))
        switch code {
        case REDIS_ERR_PROTOCOL: return .protocolError(reason)
        case REDIS_ERR_EOF: return .connection(reason.isEmpty ? "server closed the connection" : reason)
        default: return .connection(reason.isEmpty ? "I/O error (code \(code))" : reason)
        }
    }

    /// Copies a hiredis reply into a `RESPValue` and frees the C object.
    static func consume(_ raw: UnsafeMutableRawPointer) -> RESPValue {
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return value(of: reply)
    }

    private static func value(of reply: UnsafePointer<redisReply>) -> RESPValue {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            return .bulk(bytes(node.str, node.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(node.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = node.element else { return .array([]) }
            return .array((0..<node.elements).map { index in
                elements[index].map { value(of: $0) } ?? .null
            })
        default:
            return .null
        }
    }

    private static func bytes(_ start: UnsafeMutablePointer<CChar>?, _ count: Int) -> [UInt8] {
        guard let start, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// Lays the arguments out in one buffer and passes hiredis explicit lengths, so
    /// arguments may contain NUL bytes and invalid UTF-8.
    static func withArgv<Result>(
        _ arguments: [[UInt8]],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        let total = arguments.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: max(total, 1))
        let argv = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(arguments.count, 1))
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: max(arguments.count, 1))
        defer {
            storage.deallocate()
            argv.deallocate()
            lengths.deallocate()
        }
        var offset = 0
        for (index, argument) in arguments.enumerated() {
            argument.withUnsafeBytes { source in
                if let base = source.baseAddress {
                    UnsafeMutableRawPointer(storage + offset).copyMemory(from: base, byteCount: source.count)
                }
            }
            (argv + index).initialize(to: UnsafePointer(storage + offset))
            (lengths + index).initialize(to: argument.count)
            offset += argument.count
        }
        return body(Int32(arguments.count), argv, lengths)
    }
}

extension timeval {
    /// Converts a Swift `Duration` for hiredis's connect timeout.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(max(seconds, 0)), tv_usec: Int(max(attoseconds, 0) / 1_000_000_000_000))
    }
}
