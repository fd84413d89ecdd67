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
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, "The config is larger than \(context.maxUploadSize) bytes")
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self), !text.isEmpty else {
            throw APIError.badRequest("The body must be a promptfoo config in UTF-8 YAML or JSON")
        }
        let plan: ImportPlan
        do {
            plan = try PromptfooImporter.plan(text)
        } catch {
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
        var imported: [ImportedCard] = []
        for planned in plan.cards {
            let variables = (try? PromptTemplate(planned.template).variables) ?? []
            let card = try await cards.create(ownerID: identity.userID, title: planned.title, description: planned.description,
                                              template: planned.template, variables: variables, tags: planned.tags,
                                              defaultModels: planned.defaultModels)
            if !planned.tests.isEmpty {
                _ = try await testCases.create(cardID: card.id, planned.tests)
            }
            imported.append(ImportedCard(id: card.id.uuidString.lowercased(), title: card.title, tests: planned.tests.count))
        }
        return EditedResponse(status: .created, response: ImportReport(cards: imported, issues: plan.issues))
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
