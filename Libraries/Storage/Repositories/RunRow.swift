import Foundation
import PostgresNIO
import PromptCards

/// The one column list and decoder for `runs`, shared by every query that returns a run.
enum RunRow {
    static let columns = """
        id, card_id, owner_id, card_version, status, models, repeat, concurrency, total, completed, passed, failed, errored,
        score, latency_p50_ms, latency_p95_ms, latency_p99_ms, prompt_tokens, completion_tokens, cost, created_at, started_at, finished_at
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Run] {
        var runs: [Run] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let status = try r[4].decode(String.self)
            runs.append(Run(
                id: try r[0].decode(UUID.self), cardID: try r[1].decode(UUID.self), ownerID: try r[2].decode(UUID.self),
                cardVersion: try r[3].decode(Int.self), status: RunStatus(rawValue: status) ?? .failed,
                models: try r[5].decode([String].self), repeat: try r[6].decode(Int.self), concurrency: try r[7].decode(Int.self),
                total: try r[8].decode(Int.self), completed: try r[9].decode(Int.self), passed: try r[10].decode(Int.self),
                failed: try r[11].decode(Int.self), errored: try r[12].decode(Int.self), score: try r[13].decode(Double?.self),
                latencyP50Ms: try r[14].decode(Double?.self), latencyP95Ms: try r[15].decode(Double?.self),
                latencyP99Ms: try r[16].decode(Double?.self), promptTokens: try r[17].decode(Int.self),
                completionTokens: try r[18].decode(Int.self), cost: try r[19].decode(Double.self),
                createdAt: try r[20].decode(Date.self), startedAt: try r[21].decode(Date?.self), finishedAt: try r[22].decode(Date?.self)))
        }
        return runs
    }
}
