import Foundation
import Hummingbird
import PromptCards
import Queue
import ServiceKit
import Storage

/// Runs (`/api/v1/cards/{id}/runs`, `/api/v1/runs/{id}`).
struct RunsController: Sendable {
    let cards: any CardRepository
    let testCases: any TestCaseRepository
    let runs: any RunRepository
    let launcher: RunLauncher
    let events: EventBus

    struct CreateRun: Decodable {
        var models: [String]?
        var concurrency: Int?
        var `repeat`: Int?
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/cards/{cardID}/runs", use: create)
        routes.get("/runs/{runID}", use: get)
        routes.get("/runs/{runID}/results", use: results)
        routes.post("/runs/{runID}/cancel", use: cancel)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Run> {
        let identity = try context.requireIdentity()
        let cardID = try context.uuid("cardID", resource: "Card")
        guard let card = try await cards.find(id: cardID, ownerID: try context.ownerScope()) else { throw APIError.notFound("Card") }
        let input = try await request.decodeJSON(as: CreateRun.self, context: context)
        let models = (input.models ?? ["smollm2"]).map { $0.trimmingCharacters(in: .whitespaces) }
        var problems: [ProblemDetails.FieldError] = []
        if models.isEmpty || models.count > 10 { problems.append(.init(field: "models", reason: "must list 1 to 10 models")) }
        for (index, model) in models.enumerated() where model.isEmpty || model.count > 200 {
            problems.append(.init(field: "models[\(index)]", reason: "must be a model name of 1 to 200 characters"))
        }
        if Set(models).count != models.count { problems.append(.init(field: "models", reason: "must not repeat a model")) }
        let concurrency = input.concurrency ?? 4
        if !(1...50).contains(concurrency) { problems.append(.init(field: "concurrency", reason: "must be from 1 to 50")) }
        let repeatCount = input.repeat ?? 1
        if !(1...10).contains(repeatCount) { problems.append(.init(field: "repeat", reason: "must be from 1 to 10")) }
        guard problems.isEmpty else { throw APIError.validation(problems) }

        let cases = try await testCases.list(cardID: card.id)
        guard !cases.isEmpty else {
            throw APIError(.unprocessableContent, "The card has no test cases; add one with POST /api/v1/cards/\(card.id.uuidString.lowercased())/tests")
        }
        let run = try await launcher.launch(card: card, cases: cases, models: models, repeat: repeatCount,
                                            concurrency: concurrency, owner: identity.userID, logger: context.logger)
        var response = EditedResponse(status: .accepted, response: run)
        response.headers[.location] = "/api/v1/runs/\(run.id.uuidString.lowercased())"
        return response
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Run {
        try await ownedRun(context)
    }

    @Sendable func results(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<RunResult> {
        let run = try await ownedRun(context)
        return ListResponse(data: try await runs.results(runID: run.id), nextCursor: nil)
    }

    @Sendable func cancel(_ request: Request, context: ServiceRequestContext) async throws -> Run {
        let run = try await ownedRun(context)
        guard let updated = try await runs.cancel(id: run.id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Run") }
        if run.status != .cancelled && updated.status == .cancelled {
            let data: JSONValue = .object(["run_id": .string(run.id.uuidString.lowercased()), "status": .string("cancelled")])
            try await events.publish(channel: EventChannel.run(run.id), type: EventType.runCancelled, data: data)
        } else if updated.status != .cancelled {
            throw APIError.conflict("The run has already finished with status \(updated.status.rawValue)")
        }
        return updated
    }

    private func ownedRun(_ context: ServiceRequestContext) async throws -> Run {
        let id = try context.uuid("runID", resource: "Run")
        guard let run = try await runs.find(id: id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Run") }
        return run
    }
}
