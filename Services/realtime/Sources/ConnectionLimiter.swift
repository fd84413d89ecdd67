import Budgets
import Foundation
import Synchronization

/// Counts the open WebSocket and SSE connections of this process, per user and per client
/// address, so one account or one address cannot hold every socket (and file descriptor)
/// of an instance. A connection holds its slot exactly while `holding` runs.
final class ConnectionLimiter: Sendable {
    private struct Counts {
        var total = 0
        var byUser: [UUID: Int] = [:]
        var byAddress: [String: Int] = [:]
    }

    let perUser: Budget
    let perAddress: Budget
    let perProcess: Budget
    private let counts = Mutex(Counts())

    init(perUser: Budget, perAddress: Budget, perProcess: Budget) {
        self.perUser = perUser
        self.perAddress = perAddress
        self.perProcess = perProcess
    }

    convenience init(_ limits: RealtimeLimits) {
        self.init(perUser: limits.connectionsPerUser, perAddress: limits.connectionsPerClientAddress,
                  perProcess: limits.connectionsPerProcess)
    }

    /// Throws when one more connection of `user` from `address` would go over a cap; the
    /// check before a WebSocket upgrade or an SSE answer, so the refusal is a 429.
    func checkRoom(user: UUID, address: String) throws(BudgetExceeded) {
        try counts.withLock { counts throws(BudgetExceeded) in
            try Self.check(counts, user: user, address: address, self)
        }
    }

    /// Runs `body` holding one connection slot, released however `body` ends; throws without
    /// running it when the caps are full (a race lost since `checkRoom`).
    func holding<T>(user: UUID, address: String, _ body: () async throws -> T) async throws -> T {
        try counts.withLock { counts throws(BudgetExceeded) in
            try Self.check(counts, user: user, address: address, self)
            counts.total += 1
            counts.byUser[user, default: 0] += 1
            counts.byAddress[address, default: 0] += 1
        }
        defer {
            counts.withLock { counts in
                counts.total -= 1
                counts.byUser[user, default: 1] -= 1
                if counts.byUser[user] == 0 { counts.byUser[user] = nil }
                counts.byAddress[address, default: 1] -= 1
                if counts.byAddress[address] == 0 { counts.byAddress[address] = nil }
            }
        }
        return try await body()
    }

    private static func check(_ counts: Counts, user: UUID, address: String, _ limiter: ConnectionLimiter)
        throws(BudgetExceeded)
    {
        try limiter.perProcess.check(counts.total + 1, "the number of open connections of this instance")
        try limiter.perUser.check(counts.byUser[user, default: 0] + 1, "the number of your open connections")
        try limiter.perAddress.check(counts.byAddress[address, default: 0] + 1,
                                     "the number of open connections from your address")
    }
}
