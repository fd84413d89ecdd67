import Foundation
import HTTPTypes
import Hummingbird
import PromptCards
import ServiceKit
import Storage

/// Runs (`/api/v1/cards/{id}/runs`, `/api/v1/runs/{id}`).
struct RunsController: Sendable {
    let cards: any CardRepository
    let runs: any RunRepository
    let launcher: RunLauncher
    /// Where cancelling goes: the transition and its `run.cancelled` event commit together.
    let store: RunStore

    struct CreateRun: Decodable {
        var models: [String]?
        var concurrency: Int?
        var `repeat`: Int?
        var threshold: Double?
    }

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
        let input = try await request.decodeJSON(as: CreateRun.self, context: context)
        // No models named: the card's defaults (a promptfoo import's providers), else the suite's default.
        let requested = input.models ?? (card.defaultModels.isEmpty ? ["smollm2"] : card.defaultModels)
        var problems: [ProblemDetails.FieldError] = []
        if requested.isEmpty { problems.append(.init(field: "models", reason: "must list 1 to 10 models")) }
        let models = CardValidation.models(requested, field: "models", into: &problems)
        let concurrency = input.concurrency ?? 4
        if !(1...50).contains(concurrency) { problems.append(.init(field: "concurrency", reason: "must be from 1 to 50")) }
        let repeatCount = input.repeat ?? 1
        if !(1...10).contains(repeatCount) { problems.append(.init(field: "repeat", reason: "must be from 1 to 10")) }
        if let threshold = input.threshold, !(0...1).contains(threshold) {
            problems.append(.init(field: "threshold", reason: "must be between 0 and 1"))
        }
        let idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let idempotencyKey, !(1...255).contains(idempotencyKey.count) {
            problems.append(.init(field: "Idempotency-Key", reason: "must be 1 to 255 characters"))
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }

        let launch = try await launcher.launch(card: card, models: models, repeat: repeatCount, concurrency: concurrency,
                                               threshold: input.threshold, owner: identity.userID,
                                               idempotencyKey: idempotencyKey, logger: context.logger)
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
