import Budgets
import Foundation
import HTTPTypes
import ServiceKit
import TestSupport
import Testing

/// Budgets are one concept: defined once, read from the environment within their range,
/// answered as a problem naming the limit, and all listed in docs/LIMITS.md.
@Suite struct BudgetTests {
    @Test func docsLimitsListsEveryBudgetExactlyAsTheCatalogDefinesIt() throws {
        let path = TestEnvironment.repositoryRoot() + "/docs/LIMITS.md"
        let document = try String(contentsOfFile: path, encoding: .utf8)
        let table = BudgetCatalog.markdownTable()
        if !document.contains(table) {
            // The table to paste, for whoever changed the catalog.
            let proposal = TestEnvironment.repositoryRoot() + "/.run/LIMITS.table.md"
            try? FileManager.default.createDirectory(atPath: TestEnvironment.repositoryRoot() + "/.run",
                                                     withIntermediateDirectories: true)
            try? table.write(toFile: proposal, atomically: true, encoding: .utf8)
            Issue.record("docs/LIMITS.md does not hold the catalog's table; the current one is in \(proposal)")
        }
        let names = BudgetCatalog.all.map(\.name)
        #expect(Set(names).count == names.count, "every budget has its own variable")
    }

    @Test func aBudgetIsReadWithinItsRangeAndOtherwiseStopsTheDaemonNamingIt() throws {
        let definition = BudgetCatalog.jobsPerRun
        #expect(try EnvironmentReader([:]).budget(definition).limit == definition.defaultLimit)
        #expect(try EnvironmentReader([definition.name: "42"]).budget(definition).limit == 42)
        for bad in ["0", "-5", "lots", String(definition.range.upperBound + 1)] {
            #expect(throws: ConfigError.self, "\(bad)") { try EnvironmentReader([definition.name: bad]).budget(definition) }
        }
    }

    @Test(arguments: Budget.Kind.allCases)
    func goingOverABudgetIsAProblemNamingTheLimitWithTheStatusOfItsKind(_ kind: Budget.Kind) throws {
        let budget = Budget(name: "MAX_THINGS", limit: 3, unit: "things", kind: kind)
        #expect(throws: Never.self) { try budget.check(3, "the things") }
        let exceeded = try #require(throws: BudgetExceeded.self) { try budget.check(4, "the things", field: "things") }
        #expect(exceeded.reason == "the things is over the limit of 3 things (MAX_THINGS)")
        let error = APIError(exceeded)
        let expected: HTTPResponse.Status = switch kind {
        case .size: .contentTooLarge
        case .count, .nesting: .badRequest
        case .work, .time: .unprocessableContent
        case .quota: .tooManyRequests
        }
        #expect(error.status == expected)
        #expect(kind.status.hasPrefix(String(expected.code)), "docs/LIMITS.md shows the same status")
        #expect(error.limit == ProblemDetails.Limit(name: "MAX_THINGS", max: 3, unit: "things"))
        #expect(error.fieldErrors == [ProblemDetails.FieldError(field: "things", reason: exceeded.reason)])
    }
}
