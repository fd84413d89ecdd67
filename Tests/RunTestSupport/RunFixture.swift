import Budgets
import Foundation
import Logging
import PostgresNIO
import PromptCards
import Storage

/// Stored runs the way cards-api stores them (user, card, test cases, then
/// `RunStore.create` with its snapshot and `run.queued`), for the tests of the daemons that
/// work on runs without cards-api.
public struct RunFixture: Sendable {
    public let database: PostgresClient
    public let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// A stored card of a new user, with one test case per word in `words`, each with `assert`.
    public func storedCard(assert: [Assertion] = [Assertion(type: "contains", value: .string("hello"))],
                           template: String = "Say {{word}}", words: [String] = ["hello"]) async throws -> Card {
        let user = try await PostgresUserRepository(client: database, logger: logger)
            .create(email: "w\(UUID().uuidString.prefix(8))@example.com", passwordHash: "x")
        let card = try await PostgresCardRepository(client: database, logger: logger)
            .create(ownerID: user.id, title: "c", description: "", template: template, variables: ["word"], tags: [])
        for word in words {
            _ = try await PostgresTestCaseRepository(client: database, logger: logger)
                .create(cardID: card.id, description: "", vars: ["word": .string(word)], assert: assert, threshold: nil)
        }
        return card
    }

    /// A stored run of one test case per word in `words`, each with `assert`, against `model`.
    public func storedRun(assert: [Assertion] = [Assertion(type: "contains", value: .string("hello"))],
                          model: String = "smollm2", template: String = "Say {{word}}",
                          words: [String] = ["hello"], concurrency: Int = 1, webhookURL: String? = nil) async throws -> Run {
        let card = try await storedCard(assert: assert, template: template, words: words)
        let admission = RunAdmission(jobsPerRun: BudgetCatalog.jobsPerRun.standard,
                                     activeRunsPerUser: BudgetCatalog.activeRunsPerUser.standard,
                                     queuedJobsPerUser: BudgetCatalog.queuedJobsPerUser.standard)
        let candidate = Run.queued(cardID: card.id, ownerID: card.ownerID, cardVersion: card.version, models: [model],
                                   repeat: 1, concurrency: concurrency, total: 0, webhookURL: webhookURL)
        guard case .created(let run) = try await RunStore(client: database, logger: logger)
            .create(candidate, template: card.template, idempotencyKey: nil, admission: admission)
        else { throw FixtureError("the run was not created") }
        return run
    }

    /// The test case ids the run snapshotted, in order.
    public func testCases(of run: Run) async throws -> [UUID] {
        try await PostgresRunRepository(client: database, logger: logger)
            .snapshotCaseIDs(runID: run.id, after: -1, limit: 1000).map(\.testCaseID)
    }

    /// A passing result for one job of the run, as a worker records it.
    public static func result(of run: Run, testCase: UUID, jobID: String) -> RunResult {
        RunResult(runID: run.id, jobID: jobID, testCaseID: testCase, model: run.models[0], repeatIndex: 0,
                  prompt: "Say hello", output: "hello", pass: true, score: 1, reason: "ok", grading: nil, error: nil,
                  latencyMs: 5, promptTokens: 1, completionTokens: 1, cost: 0)
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
