import CardsAPIService
import Foundation
import Logging
import PromptCards
import ServiceKit
import TestSupport
import Testing

@Suite struct OpenAPITests {
    @Test func theDocumentAndTheRouterNameTheSameRoutes() async throws {
        let env = EnvironmentReader([
            "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "JWT_SECRET": TestSecret.jwt(), "BCRYPT_COST": "4",
        ])
        let served = Set(try await cardsAPIRoutes(config: CardsAPIConfig(env), logger: Logger(label: "test"))
            .filter { $0.contains(" /api/") })
        try await CardsAPIHarness.with { api in
            let reply = try await api.send(.get, "/api/v1/openapi.json")
            #expect(reply.status == .ok)
            let document = try JSONValue(parsing: reply.text)
            #expect(document["openapi"] == "3.1.0")
            var documented = Set<String>()
            for (path, item) in document["paths"]?.objectValue ?? [:] where !OpenAPIDocument.gatewayPaths.contains(path) {
                for method in (item.objectValue ?? [:]).keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            #expect(served.subtracting(documented).isEmpty, "served but undocumented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
            #expect(served.count > 30)

            // Every reference points at a schema that exists.
            let schemas = Set(document["components"]?["schemas"]?.objectValue?.keys.map { $0 } ?? [])
            let references = reply.text.components(separatedBy: "#/components/schemas/").dropFirst()
                .map { String($0.prefix { $0 != "\"" }) }
            #expect(!references.isEmpty && Set(references).isSubset(of: schemas), "\(Set(references).subtracting(schemas))")
        }
    }

    @Test func theContractCatchesABodyThatBreaksItsSchema() async throws {
        try await CardsAPIHarness.with { api in
            let contract = try #require(api.contract)
            let path = "/api/v1/cards/\(UUID().uuidString.lowercased())"
            let wrong = contract.problems(method: .get, path: path, status: 200, contentType: "application/json",
                                          body: Data(#"{"id":"not-a-card","title":5}"#.utf8))
            #expect(!wrong.isEmpty)
            let undocumented = contract.problems(method: .get, path: "/api/v1/nowhere", status: 200, contentType: "application/json", body: Data())
            #expect(!undocumented.isEmpty)
        }
    }
}
