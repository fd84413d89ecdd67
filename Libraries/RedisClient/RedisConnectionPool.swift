import Synchronization

/// Hands out connections, opening them lazily up to `poolSize`; when all are busy, callers
/// wait in FIFO order instead of failing. Broken connections are dropped, never reused.
final class RedisConnectionPool: Sendable {
    /// A connection checked out of the pool, to be given back with `release(_:)`.
    struct Lease: Sendable {
        let connection: RedisConnection
        /// True when the connection had been sitting idle in the pool, so a connection error
        /// on it most likely means the server restarted meanwhile (worth one retry).
        let wasIdle: Bool
    }

    /// What a caller gets from the pool: a connection, or the right to open a new one.
    private enum Grant: Sendable {
        case idle(RedisConnection)
        case handedOver(RedisConnection)
        case openNew(id: Int)
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        /// Checked-out connections, so shutdown can interrupt calls blocked on them.
        var leased: [Int: RedisConnection] = [:]
        /// Idle + leased + being opened; never above `maximum`.
        var openCount = 0
        var waiters: [Waiter] = []
        var nextConnectionID = 0
        var closed = false

        mutating func reserveNewConnection() -> Int {
            openCount += 1
            nextConnectionID += 1
            return nextConnectionID
        }
    }

    private let configuration: RedisConfiguration
    private let maximum: Int
    private let state = Mutex(State())
    private let waiterIDs = Atomic<Int>(0)

    init(configuration: RedisConfiguration) {
        self.configuration = configuration
        self.maximum = max(1, configuration.poolSize)
    }

    /// True after `shutdown()`.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Checks a connection out: an idle healthy one, else a new one while under the limit,
    /// else waits for one to be released. `discardingIdle` drops every idle connection first,
    /// for the retry after a connection error that suggests the idle ones are all stale.
    func lease(discardingIdle: Bool = false) async throws -> Lease {
        let waiterID = waiterIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let grant = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let (immediate, stale) = state.withLock { state -> (Result<Grant, any Error>?, [RedisConnection]) in
                    var stale: [RedisConnection] = []
                    if state.closed { return (.failure(RedisError.closed), stale) }
                    if discardingIdle {
                        stale = state.idle
                        state.openCount -= state.idle.count
                        state.idle.removeAll()
                    }
                    // Most recently used first: it is the one most likely to still be alive.
                    while let connection = state.idle.popLast() {
                        if connection.looksIdleAndOpen() {
                            state.leased[connection.id] = connection
                            return (.success(.idle(connection)), stale)
                        }
                        stale.append(connection)
                        state.openCount -= 1
                    }
                    if state.openCount < maximum {
                        return (.success(.openNew(id: state.reserveNewConnection())), stale)
                    }
                    // Checked under the lock so a cancellation cannot slip in unnoticed.
                    if Task.isCancelled { return (.failure(CancellationError()), stale) }
                    state.waiters.append(Waiter(id: waiterID, continuation: continuation))
                    return (nil, stale)
                }
                for connection in stale { connection.discard() }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }

        switch grant {
        case .idle(let connection):
            return Lease(connection: connection, wasIdle: true)
        case .handedOver(let connection):
            return Lease(connection: connection, wasIdle: false)
        case .openNew(let id):
            return Lease(connection: try await open(id: id), wasIdle: false)
        }
    }

    /// Returns a connection: a healthy one goes to the first waiter or back to the idle list;
    /// a broken one is closed and its slot offered to the first waiter.
    func release(_ connection: RedisConnection) {
        let (waiter, grant, discard) = state.withLock { state -> (Waiter?, Grant?, Bool) in
            state.leased[connection.id] = nil
            if state.closed || connection.isBroken {
                state.openCount -= 1
                guard !state.closed, !state.waiters.isEmpty else { return (nil, nil, true) }
                let waiter = state.waiters.removeFirst()
                return (waiter, .openNew(id: state.reserveNewConnection()), true)
            }
            guard !state.waiters.isEmpty else {
                state.idle.append(connection)
                return (nil, nil, false)
            }
            state.leased[connection.id] = connection
            return (state.waiters.removeFirst(), .handedOver(connection), false)
        }
        if discard { connection.discard() }
        if let waiter, let grant { waiter.continuation.resume(returning: grant) }
    }

    /// Closes idle connections, interrupts calls blocked on leased ones (those close when
    /// released) and fails every waiter and later lease with `RedisError.closed`.
    func shutdown() async {
        let (idle, leased, waiters) = state.withLock { state in
            state.closed = true
            let idle = state.idle
            state.openCount -= idle.count
            state.idle.removeAll()
            let waiters = state.waiters
            state.waiters.removeAll()
            return (idle, Array(state.leased.values), waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: RedisError.closed) }
        for connection in leased { connection.interrupt() }
        for connection in idle { await connection.close() }
    }

    /// Opens connection `id` for a slot already reserved; gives the slot back on failure.
    private func open(id: Int) async throws -> RedisConnection {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.open(id: id, configuration: configuration)
        } catch {
            freeSlot()
            throw error
        }
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else {
                state.openCount -= 1
                return false
            }
            state.leased[id] = connection
            return true
        }
        guard accepted else {
            connection.discard()
            throw RedisError.closed
        }
        return connection
    }

    /// A reserved slot was not used (the connect failed): let the next waiter try its own.
    private func freeSlot() {
        let (waiter, grant) = state.withLock { state -> (Waiter?, Grant?) in
            state.openCount -= 1
            guard !state.closed, !state.waiters.isEmpty else { return (nil, nil) }
            return (state.waiters.removeFirst(), .openNew(id: state.reserveNewConnection()))
        }
        if let waiter, let grant { waiter.continuation.resume(returning: grant) }
    }
}
