import Foundation
import Hummingbird
import JSONCore
import Queue
import ServiceKit

/// A producer's view of its jobs (`/api/v1/jobs/{id}`, cancel, retry) and the queue's depth
/// (`/api/v1/queues`). A job is visible to its owner (the `owner` it was enqueued with:
/// a user id) and to admins; anyone else gets a 404, as for a job that does not exist.
struct JobsController: Sendable {
    let queue: JobQueue

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.get("/jobs/{jobID}", use: get)
        routes.post("/jobs/{jobID}/cancel", use: cancel)
        routes.post("/jobs/{jobID}/retry", use: retry)
        routes.get("/queues", use: queues)
        routes.get("/queues/{name}", use: queueDepth)
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> JobView {
        JobView(try await ownedJob(context))
    }

    @Sendable func cancel(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<JobView> {
        let job = try await ownedJob(context)
        if let group = job.envelope?.group, group.hasPrefix("run:") {
            // Its run would wait for a case that never comes: a run's jobs end with their run.
            throw APIError.conflict("The job belongs to a run: cancel the run (POST /api/v1/runs/{id}/cancel)")
        }
        switch try await queue.cancel(jobID: job.id, reason: "cancelled by its owner") {
        case .cancelled: return EditedResponse(status: .ok, response: JobView(try await reloaded(job)))
        case .cancelling: return EditedResponse(status: .accepted, response: JobView(try await reloaded(job)))
        case .alreadyFinal(let state):
            throw APIError.conflict("The job has already ended (\(state?.rawValue ?? "unknown"))")
        }
    }

    @Sendable func retry(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<JobView> {
        let job = try await ownedJob(context)
        if case .notRetryable(let state) = try await queue.retry(jobID: job.id) {
            throw APIError.conflict("Only a dead or cancelled job can be retried; this one is \(state?.rawValue ?? "unknown")")
        }
        return EditedResponse(status: .accepted, response: JobView(try await reloaded(job)))
    }

    @Sendable func queues(_ request: Request, context: ServiceRequestContext) async throws -> QueueList {
        _ = try context.requireIdentity()
        return QueueList(queues: [try await view()])
    }

    @Sendable func queueDepth(_ request: Request, context: ServiceRequestContext) async throws -> QueueView {
        _ = try context.requireIdentity()
        guard context.parameters.get("name") == queue.name else { throw APIError.notFound("Queue") }
        return try await view()
    }

    private func view() async throws -> QueueView {
        async let depth = queue.depth()
        async let stats = queue.stats()
        return QueueView(name: queue.name, depth: try await depth, stats: try await stats)
    }

    private func ownedJob(_ context: ServiceRequestContext) async throws -> JobRecord {
        let identity = try context.requireIdentity()
        guard let id = context.parameters.get("jobID"), !id.isEmpty, id.utf8.count <= 512,
              let job = try await queue.job(id: id),
              identity.isAdmin || job.envelope?.owner == identity.userID.uuidString.lowercased()
        else { throw APIError.notFound("Job") }
        return job
    }

    private func reloaded(_ job: JobRecord) async throws -> JobRecord {
        try await queue.job(id: job.id) ?? job
    }
}

/// A job as the API shows it.
struct JobView: ResponseEncodable, Sendable {
    var id: String
    var type: String?
    var state: String
    var owner: String?
    var group: String?
    var attempt: Int?
    var maxAttempts: Int?
    var stalls: Int
    var result: JSONValue?
    var errors: [JobRecord.AttemptError]
    var enqueuedAt: Int64?
    var finishedAt: Int64?

    enum CodingKeys: String, CodingKey {
        case id, type, state, owner, group, attempt, stalls, result, errors
        case maxAttempts = "max_attempts"
        case enqueuedAt = "enqueued_at"
        case finishedAt = "finished_at"
    }

    init(_ job: JobRecord) {
        id = job.id
        type = job.envelope?.type
        state = job.state.rawValue
        owner = job.envelope?.owner
        group = job.envelope?.group
        attempt = job.envelope?.attempt
        maxAttempts = job.envelope?.maxAttempts
        stalls = job.stalls
        result = job.result.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        errors = job.errors
        enqueuedAt = job.envelope?.enqueuedAt
        finishedAt = job.finishedAt
    }
}

struct QueueView: ResponseEncodable, Sendable {
    struct Throughput: Encodable, Sendable {
        /// Jobs that ended in the last full minute, by how (`completed`, `dead`, `cancelled`).
        var lastMinute: [String: Int]
        var lastFiveMinutes: [String: Int]
        var completedPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case lastMinute = "last_minute"
            case lastFiveMinutes = "last_5_minutes"
            case completedPerSecond = "completed_per_second"
        }
    }

    var name: String
    var waiting: [String: Int]
    var delayed: Int
    var active: Int
    var dead: Int
    /// Per lane, seconds the oldest job a worker could take now has waited.
    var oldestWaitingSeconds: [String: Double]
    var throughput: Throughput

    enum CodingKeys: String, CodingKey {
        case name, waiting, delayed, active, dead, throughput
        case oldestWaitingSeconds = "oldest_waiting_seconds"
    }

    init(name: String, depth: QueueDepth, stats: QueueStats) {
        self.name = name
        waiting = depth.waiting
        delayed = depth.delayed
        active = depth.active
        dead = depth.dead
        oldestWaitingSeconds = stats.oldestWaiting.mapValues { Double($0.milliseconds) / 1000 }
        throughput = Throughput(lastMinute: stats.lastMinute, lastFiveMinutes: stats.lastFiveMinutes,
                                completedPerSecond: (stats.completedPerSecond * 1000).rounded() / 1000)
    }
}

struct QueueList: ResponseEncodable, Sendable {
    var queues: [QueueView]
}
