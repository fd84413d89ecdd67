import Budgets
import Foundation
import Logging
import PostgresNIO
import PromptCards
import Storage
import TestSupport
import Testing

/// Repositories against a migrated, empty database.
func withMigratedDatabase<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
    try await TestDatabase.with { client, _ in
        try await Migrator(client: client, logger: Logger(label: "test")).migrate()
        return try await body(client)
    }
}

@Suite struct RepositoryTests {
    let logger = Logger(label: "test")

    @Test func emailsAreUniqueCaseInsensitively() async throws {
        try await withMigratedDatabase { client in
            let users = PostgresUserRepository(client: client, logger: logger)
            let user = try await users.create(email: "Ada@Example.com", passwordHash: "x")
            await #expect(throws: StorageError.duplicate("email")) {
                _ = try await users.create(email: "ada@example.com", passwordHash: "y")
            }
            #expect(try await users.find(email: "ADA@example.com")?.id == user.id)
        }
    }

    @Test func aSpentRefreshTokenPresentedAgainRevokesItsFamily() async throws {
        try await withMigratedDatabase { client in
            let user = try await PostgresUserRepository(client: client, logger: logger).create(email: "a@b.co", passwordHash: "x")
            let tokens = PostgresRefreshTokenRepository(client: client, logger: logger)
            let family = UUID()
            try await tokens.insert(userID: user.id, familyID: family, tokenHash: "first", expiresAt: .now.addingTimeInterval(60))
            #expect(try await tokens.use(tokenHash: "first") == .rotated(userID: user.id, familyID: family))
            try await tokens.insert(userID: user.id, familyID: family, tokenHash: "second", expiresAt: .now.addingTimeInterval(60))
            #expect(try await tokens.use(tokenHash: "first") == .reused)
            #expect(try await tokens.use(tokenHash: "second") == .invalid, "the whole family is revoked")
            #expect(try await tokens.use(tokenHash: "never-issued") == .invalid)
        }
    }

    @Test func cardPagesAreStableAndComplete() async throws {
        try await withMigratedDatabase { client in
            let owner = try await PostgresUserRepository(client: client, logger: logger).create(email: "p@q.io", passwordHash: "x")
            let other = try await PostgresUserRepository(client: client, logger: logger).create(email: "o@q.io", passwordHash: "x")
            let cards = PostgresCardRepository(client: client, logger: logger)
            var created: [UUID] = []
            for index in 0..<7 {
                created.append(try await cards.create(ownerID: owner.id, title: "card \(index)", description: "", template: "t",
                                                      variables: [], tags: []).id)
            }
            _ = try await cards.create(ownerID: other.id, title: "not mine", description: "", template: "t", variables: [], tags: [])
            var seen: [UUID] = []
            var cursor: PageCursor?
            repeat {
                let page = try await cards.list(ownerID: owner.id, limit: 3, after: cursor)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(Set(seen) == Set(created))
            #expect(try await cards.find(id: created[0], ownerID: other.id) == nil, "another user's card is invisible")
            #expect(try await cards.list(ownerID: nil, limit: 100, after: nil).items.count == 8, "admins see all")
        }
    }

    @Test func resultsAreRecordedOnceAndTheRunIsFinalizedOnce() async throws {
        try await withMigratedDatabase { client in
            let owner = try await PostgresUserRepository(client: client, logger: logger).create(email: "r@s.io", passwordHash: "x")
            let card = try await PostgresCardRepository(client: client, logger: logger)
                .create(ownerID: owner.id, title: "c", description: "", template: "{{q}}", variables: ["q"], tags: [])
            let runs = PostgresRunRepository(client: client, logger: logger)
            let tests = PostgresTestCaseRepository(client: client, logger: logger)
            for word in ["a", "b"] {
                _ = try await tests.create(cardID: card.id, description: "", vars: ["q": .string(word)], assert: [], threshold: nil)
            }
            let admission = RunAdmission(jobsPerRun: BudgetCatalog.jobsPerRun.standard,
                                         activeRunsPerUser: BudgetCatalog.activeRunsPerUser.standard,
                                         queuedJobsPerUser: BudgetCatalog.queuedJobsPerUser.standard)
            let candidate = Run.queued(cardID: card.id, ownerID: owner.id, cardVersion: 1, models: ["m"], repeat: 1,
                                       concurrency: 2, total: 0)
            guard case .created(let run) = try await RunStore(client: client, logger: logger).create(candidate, template: card.template, idempotencyKey: nil,
                                                                 admission: admission)
            else { throw StorageError.unexpected("the run was not created") }
            #expect(run.total == 2, "counted from the card's test cases")
            let store = RunStore(client: client, logger: logger)
            let snapshot = try await store
                .inputs(runID: run.id, testCaseID: try #require(try await runs.snapshotCaseIDs(runID: run.id, after: -1,
                                                                                                  limit: 1).first).testCaseID)
            #expect(snapshot?.template == "{{q}}" && snapshot?.vars == ["q": .string("a")])
            #expect(try await store.start(runID: run.id))
            #expect(try await !store.start(runID: run.id), "only the first worker starts the run")

            func result(_ job: String, pass: Bool, latency: Int) -> RunResult {
                RunResult(runID: run.id, jobID: job, testCaseID: UUID(), model: "m", repeatIndex: 0, prompt: "p", output: "o",
                          pass: pass, score: pass ? 1 : 0, reason: "r", grading: nil, error: nil, latencyMs: latency,
                          promptTokens: 3, completionTokens: 5, cost: 0)
            }
            let first = try #require(try await store.record(result("job-1", pass: true, latency: 100)))
            #expect(first.inserted && first.completed == 1 && first.finished == nil)
            let duplicate = try #require(try await store.record(result("job-1", pass: true, latency: 100)))
            #expect(!duplicate.inserted && duplicate.completed == 1, "a redelivered job changes nothing")
            #expect(try await store.finalizeIfDone(runID: run.id) == nil, "not done yet")
            let last = try #require(try await store.record(result("job-2", pass: false, latency: 300)))
            #expect(last.completed == 2 && last.total == 2)
            let final = try #require(last.finished, "the last result finalizes the run in the same transaction")
            #expect(final.passed == 1 && final.failed == 1)

            let finals = try await withThrowingTaskGroup(of: Run?.self) { group in
                for _ in 0..<5 { group.addTask { try await store.finalizeIfDone(runID: run.id) } }
                var runs: [Run] = []
                for try await run in group { if let run { runs.append(run) } }
                return runs
            }
            #expect(finals.isEmpty, "a final run is never finalized again")
            #expect(try await store.cancel(id: run.id, ownerID: nil)?.status == .completed, "nor cancelled")
            #expect(try await store.fail(runID: run.id, reason: "late") == nil, "nor failed")
            #expect(final.status == .completed)
            #expect(final.score == 0.5)
            #expect(final.latencyP50Ms == 200)
            #expect(final.promptTokens == 6 && final.completionTokens == 10)
            #expect(try await runs.results(runID: run.id).count == 2)

            // Every change above wrote its events in its own transaction, in order, once.
            let announced = try await outbox(client, logger: logger)
            #expect(announced.filter { $0.channel == "run:\(run.id.uuidString.lowercased())" }.map(\.type) == [
                "run.queued", "run.started", "case.completed", "run.progress", "case.completed", "run.progress", "run.completed",
            ])
            #expect(announced.filter { $0.channel == "card:\(card.id.uuidString.lowercased())" }.map(\.type)
                == ["run.queued", "run.completed"])
            let completed = try #require(announced.last { $0.type == "run.completed" })
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(completed.data.utf8)) as? [String: Any])
            #expect(summary["passed"] as? Int == 1 && summary["score"] as? Double == 0.5 && summary["status"] as? String == "completed")
        }
    }

    /// The outbox rows in id order.
    private func outbox(_ client: PostgresClient, logger: Logger) async throws -> [(channel: String, type: String, data: String)] {
        var rows: [(channel: String, type: String, data: String)] = []
        for try await row in try await client.query("SELECT channel, type, data::text FROM event_outbox ORDER BY id", logger: logger)
            .decode((String, String, String).self) {
            rows.append(row)
        }
        return rows
    }
}
