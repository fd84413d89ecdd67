import Foundation
import HTTPTypes
import Hummingbird
import PromptCards
import RunJobs
import ServiceKit
import Storage

/// Runs (`/api/v1/cards/{id}/runs`, `/api/v1/runs/{id}`).
struct RunsController: Sendable {
    let cards: any CardRepository
    let runs: any RunRepository
    let launcher: RunLauncher
    /// Where cancelling goes: the transition and its `run.cancelled` event commit together.
    let store: RunStore

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/cards/{cardID}/runs", use: create)
        routes.get("/cards/{cardID}/runs", use: listForCard)
        routes.get("/runs", use: list)
        routes.get("/runs/{runID}", use: get)
        routes.delete("/runs/{runID}", use: delete)
        routes.get("/runs/{runID}/results", use: results)
        routes.post("/runs/{runID}/cancel", use: cancel)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Run> {
        let identity = try context.requireIdentity()
        let card = try await cards.owned(by: context)
        let input = try await request.decodeJSON(as: RunOptions.self, context: context)
        var problems: [ProblemDetails.FieldError] = []
        var options: RunOptions.Resolved?
        switch input.resolved(for: card) {
        case .success(let resolved): options = resolved
        case .failure(let failure): problems = failure.problems.map { .init(field: $0.field, reason: $0.reason) }
        }
        let idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let idempotencyKey, !(1...255).contains(idempotencyKey.count) {
            problems.append(.init(field: "Idempotency-Key", reason: "must be 1 to 255 characters"))
        }
        guard problems.isEmpty, let options else { throw APIError.validation(problems) }

        let launch: RunLauncher.Launch
        do {
            launch = try await launcher.launch(card: card, options: options, owner: identity.userID,
                                               idempotencyKey: idempotencyKey, logger: context.logger)
        } catch let unavailable as RunLauncher.QueueUnavailable {
            throw APIError.unavailable("The job queue is unavailable; the run was not started (\(unavailable))")
        }
        let run: Run
        switch launch {
        case .started(let started), .replayed(let started): run = started
        case .noTestCases:
            throw APIError(.unprocessableContent,
                           "The card has no test cases; add one with POST /api/v1/cards/\(card.id.uuidString.lowercased())/tests")
        }
        var response = EditedResponse(status: .accepted, response: run)
        response.headers[.location] = "/api/v1/runs/\(run.id.uuidString.lowercased())"
        return response
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Run {
        try await ownedRun(context)
    }

    /// `?card_id=&status=&model=&from=&to=` (ISO 8601 times), newest first.
    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<Run> {
        var filter = try Self.filter(from: request)
        filter.ownerID = try context.ownerScope()
        let (limit, cursor) = try request.pagination()
        return ListResponse(page: try await runs.list(filter, limit: limit, after: cursor))
    }

    @Sendable func listForCard(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<Run> {
        let card = try await cards.owned(by: context)
        var filter = try Self.filter(from: request)
        filter.cardID = card.id
        filter.ownerID = try context.ownerScope()
        let (limit, cursor) = try request.pagination()
        return ListResponse(page: try await runs.list(filter, limit: limit, after: cursor))
    }

    /// Results in execution order, paginated; `?pass=true|false` filters.
    @Sendable func results(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<RunResult> {
        let run = try await ownedRun(context)
        let (limit, cursor) = try request.pagination()
        var passed: Bool?
        if let raw = request.uri.queryParameters["pass"] {
            guard let value = Bool(String(raw)) else { throw APIError.validation(field: "pass", reason: "must be true or false") }
            passed = value
        }
        return ListResponse(page: try await runs.results(runID: run.id, passed: passed, limit: limit, after: cursor))
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let run = try await ownedRun(context)
        guard try await runs.delete(id: run.id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Run") }
        return Response(status: .noContent)
    }

    static func filter(from request: Request) throws -> RunFilter {
        let query = request.uri.queryParameters
        var filter = RunFilter()
        if let raw = query["card_id"] {
            guard let id = UUID(uuidString: String(raw)) else { throw APIError.validation(field: "card_id", reason: "must be a UUID") }
            filter.cardID = id
        }
        if let raw = query["status"] {
            guard let status = RunStatus(rawValue: String(raw)) else {
                throw APIError.validation(field: "status", reason: "must be one of " + RunStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.status = status
        }
        filter.model = query["model"].map(String.init)
        for (name, keyPath) in [("from", \RunFilter.createdFrom), ("to", \RunFilter.createdBefore)] {
            guard let raw = query[Substring(name)] else { continue }
            guard let date = try? Date(String(raw), strategy: .iso8601) else {
                throw APIError.validation(field: name, reason: "must be an ISO 8601 time such as 2026-01-31T00:00:00Z")
            }
            filter[keyPath: keyPath] = date
        }
        return filter
    }

    @Sendable func cancel(_ request: Request, context: ServiceRequestContext) async throws -> Run {
        let run = try await ownedRun(context)
        guard let updated = try await store.cancel(id: run.id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Run") }
        if updated.status != .cancelled {
            throw APIError.conflict("The run has already finished with status \(updated.status.rawValue)")
        }
        await launcher.withdrawJobs(of: updated, logger: context.logger)
        return updated
    }

    private func ownedRun(_ context: ServiceRequestContext) async throws -> Run {
        let id = try context.uuid("runID", resource: "Run")
        guard let run = try await runs.find(id: id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Run") }
        return run
    }
}
