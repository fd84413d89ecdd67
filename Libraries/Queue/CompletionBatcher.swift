import RedisClient
import Synchronization

/// Sends the completions of one process's consumers together (group commit): while
/// `senders` batches are on their way to Redis the next one gathers, so busy consumers share
/// one round trip and one `pcsq_complete_many` call instead of making one each, and a lone
/// completion still goes at once (nothing waits on a timer). Two batches in flight keep
/// Redis busy while the client reads one reply and gathers the next. Redis does a job's work either way; what
/// the batch saves is the per-call cost on both ends, which is most of a no-op job's.
final class CompletionBatcher: Sendable {
    /// One job's completion and, optionally, the claim that follows it.
    struct Completion: Sendable {
        let job: ClaimedJob
        let result: String
        let next: JobQueue.ClaimRequest?
    }

    typealias Outcome = (completed: Bool, next: [ClaimedJob])

    private struct Waiting {
        let completion: Completion
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State {
        var pending: [Waiting] = []
        /// Batches on their way; at `senders`, new completions wait for the next one.
        var sending = 0
    }

    /// The most completions one call carries.
    static let batchLimit = 256
    static let senders = 2

    private let state = Mutex(State())

    func complete(_ completion: Completion, on queue: JobQueue) async throws -> Outcome {
        let leads = state.withLock { state in
            if state.sending >= Self.senders { return false }
            state.sending += 1
            return true
        }
        if leads { return try await lead(completion, on: queue) }
        return try await withCheckedThrowingContinuation { continuation in
            let starts = state.withLock { state in
                state.pending.append(Waiting(completion: completion, continuation: continuation))
                if state.sending >= Self.senders { return false }
                state.sending += 1
                return true
            }
            if starts { Task { await self.drain(on: queue) } }
        }
    }

    /// Nothing was on its way: sends this completion now, with any that gathered meanwhile,
    /// then leaves later ones to `drain`, so its own consumer goes on at once.
    private func lead(_ mine: Completion, on queue: JobQueue) async throws -> Outcome {
        let others = take()
        let outcomes = await Self.result { try await Self.send([mine] + others.map(\.completion), on: queue) }
        Self.resume(others, with: outcomes.map { Array($0.dropFirst()) })
        if !finishedSending() { Task { await self.drain(on: queue) } }
        return try outcomes.get()[0]
    }

    private func drain(on queue: JobQueue) async {
        while true {
            let batch = take()
            if batch.isEmpty, finishedSending() { return }
            guard !batch.isEmpty else { continue }
            Self.resume(batch, with: await Self.result { try await Self.send(batch.map(\.completion), on: queue) })
        }
    }

    private func take() -> [Waiting] {
        state.withLock { state in
            let batch = Array(state.pending.prefix(Self.batchLimit))
            state.pending.removeFirst(batch.count)
            return batch
        }
    }

    /// Ends the sending turn unless completions are waiting (then the caller sends them).
    private func finishedSending() -> Bool {
        state.withLock { state in
            guard state.pending.isEmpty else { return false }
            state.sending -= 1
            return true
        }
    }

    private static func result<Value>(_ body: () async throws -> Value) async -> Result<Value, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    private static func resume(_ waiting: [Waiting], with outcomes: Result<[Outcome], any Error>) {
        switch outcomes {
        case .success(let outcomes):
            for (item, outcome) in zip(waiting, outcomes) { item.continuation.resume(returning: outcome) }
        case .failure(let error):
            for item in waiting { item.continuation.resume(throwing: error) }
        }
    }

    /// One `pcsq_complete_many` per distinct claim request (a process's consumers share one),
    /// all in one round trip; the claimed jobs go to the completions that asked, in order.
    private static func send(_ completions: [Completion], on queue: JobQueue) async throws -> [Outcome] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, completion) in completions.enumerated() {
            let key = completion.next.map { $0.arguments.joined(separator: "\u{1}") } ?? ""
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        let now = String(JobEnvelope.nowMillis())
        let calls = order.map { key in
            let members = groups[key]!.map { completions[$0] }
            let request = members[0].next
            let count = members.reduce(0) { $0 + ($1.next?.count ?? 0) }
            var call = ["pcsq_complete_many", "1", queue.base, now, queue.retentionSeconds, request?.worker ?? "-",
                        String(count), String(request?.lease.milliseconds ?? 0), String(request?.maxStalls ?? 0)]
            for member in members { call += [member.job.id, member.job.token, member.result] }
            return call
        }
        let replies = try await queue.call(calls)
        var outcomes = [Outcome](repeating: (false, []), count: completions.count)
        for (key, reply) in zip(order, replies) {
            if let message = reply.errorMessage { throw RedisError.server(message) }
            let members = groups[key]!
            guard let items = reply.array, let statuses = items.first?.array, statuses.count == members.count else {
                throw QueueError.unexpectedReply("pcsq_complete_many: \(reply)")
            }
            var claimed = try JobQueue.claimed(items.dropFirst())[...]
            for (index, status) in zip(members, statuses) {
                let wanted = completions[index].next?.count ?? 0
                let mine = Array(claimed.prefix(wanted))
                claimed = claimed.dropFirst(mine.count)
                outcomes[index] = (status.string == "ok", mine)
            }
        }
        return outcomes
    }
}
