import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PromptCards
import Promptfoo
import ServiceKit
import Storage

/// promptfoo configs in (`POST /api/v1/import/promptfoo`, YAML or JSON body) and out
/// (`GET /api/v1/cards/{id}/export?format=promptfoo|json`).
struct PromptfooController: Sendable {
    let cards: any CardRepository
    let testCases: any TestCaseRepository
    /// The import's own budgets, and the assertion budgets each imported test is held to.
    let limits: CardsAPILimits

    struct ImportedCard: Encodable, Sendable {
        var id: String
        var title: String
        var tests: Int
    }

    struct ImportReport: ResponseEncodable {
        var cards: [ImportedCard]
        var issues: [ImportIssue]
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/import/promptfoo", use: importConfig)
        routes.get("/cards/{cardID}/export", use: export)
    }

    @Sendable func importConfig(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<ImportReport> {
        let identity = try context.requireIdentity()
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.imports.documentBytes.limit)
        } catch {
            throw APIError(limits.imports.documentBytes.exceeded("the config"))
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self), !text.isEmpty else {
            throw APIError.badRequest("The body must be a promptfoo config in UTF-8 YAML or JSON")
        }
        let plan: ImportPlan
        do {
            plan = try PromptfooImporter.plan(text, limits: limits.imports)
        } catch {
            if let exceeded = error.exceeded { throw APIError(exceeded) }
            var fields = [ProblemDetails.FieldError(field: "$", reason: error.reason)]
            if let line = error.line, let column = error.column {
                fields = [ProblemDetails.FieldError(field: "line \(line), column \(column)", reason: error.reason)]
            }
            throw APIError(.badRequest, "The config could not be read: \(error)", fieldErrors: fields)
        }
        guard !plan.cards.isEmpty else {
            throw APIError(.unprocessableContent, "Nothing in the config can be imported: no prompt is representable",
                           fieldErrors: plan.issues.map { .init(field: $0.path, reason: $0.reason) })
        }
        let cardsToCreate = try plan.cards.map(validated)
        var imported: [ImportedCard] = []
        for planned in cardsToCreate {
            let variables = (try? PromptTemplate(planned.template).variables) ?? []
            let card = try await cards.create(ownerID: identity.userID, title: planned.title, description: planned.description,
                                              template: planned.template, variables: variables, tags: planned.tags,
                                              defaultModels: planned.defaultModels, webhookURL: nil)
            if !planned.tests.isEmpty {
                _ = try await testCases.create(cardID: card.id, planned.tests)
            }
            imported.append(ImportedCard(id: card.id.uuidString.lowercased(), title: card.title, tests: planned.tests.count))
        }
        return EditedResponse(status: .created, response: ImportReport(cards: imported, issues: plan.issues))
    }

    /// `planned` with each of its tests checked exactly as the tests API checks one
    /// (`CardValidation.testCase`), named by the config path it came from (`tests[2].`); all
    /// problems are answered together, before anything is stored.
    func validated(_ planned: PlannedCard) throws -> PlannedCard {
        var checked = planned
        var problems: [ProblemDetails.FieldError] = []
        for (index, test) in planned.tests.enumerated() {
            do {
                checked.tests[index] = try CardValidation.testCase(test, path: planned.testPaths[index] + ".",
                                                                   limits: limits.assertions)
            } catch let error as APIError {
                // The combinations of one config test share its problems: list each once.
                problems += error.fieldErrors.filter { !problems.contains($0) }
            }
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        return checked
    }

    @Sendable func export(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let card = try await cards.owned(by: context)
        let format = request.uri.queryParameters["format"].map(String.init) ?? "promptfoo"
        guard ["promptfoo", "yaml", "json"].contains(format) else {
            throw APIError.validation(field: "format", reason: "must be promptfoo (YAML) or json")
        }
        let tests = try await testCases.all(cardID: card.id).map(\.content)
        let exported = PromptfooExporter.Card(id: card.id.uuidString.lowercased(), title: card.title, description: card.description,
                                              template: card.template, defaultModels: card.defaultModels, tests: tests)
        let text = format == "json" ? PromptfooExporter.json(exported) : try PromptfooExporter.yaml(exported)
        let fileName = "promptfooconfig" + (format == "json" ? ".json" : ".yaml")
        return Response(status: .ok, headers: [
            .contentType: format == "json" ? "application/json" : "application/yaml; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(fileName)\"",
        ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension ImportIssue: ResponseEncodable {}
