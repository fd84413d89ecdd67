import Foundation
import PostgresNIO
import PromptCards

/// The one column list and decoder for `runs`, shared by every query that returns a run.
enum RunRow {
    static let columns = """
        id, card_id, owner_id, card_version, status, models, repeat, concurrency, total, completed, passed, failed, errored,
        score, latency_p50_ms, latency_p95_ms, latency_p99_ms, prompt_tokens, completion_tokens, cost, created_at, started_at, finished_at,
        threshold, failure_reason, webhook_url
        """

    /// `columns`, each prefixed with `runs.`, for statements that join another table.
    static let qualifiedColumns = columns.split(separator: ",")
        .map { "runs." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    static func decode(_ rows: PostgresRowSequence) async throws -> [Run] {
        var runs: [Run] = []
        for try await row in rows { runs.append(try decode(row.makeRandomAccess())) }
        return runs
    }

    /// Rows that carry the creation time in microseconds after the run's columns (for cursors).
    static func decodeWithMicros(_ rows: PostgresRowSequence) async throws -> [(run: Run, micros: Int64)] {
        var runs: [(run: Run, micros: Int64)] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            runs.append((try decode(r), try r[26].decode(Int64.self)))
        }
        return runs
    }

    static func decode(_ r: PostgresRandomAccessRow) throws -> Run {
        let status = try r[4].decode(String.self)
        var run = Run(
            id: try r[0].decode(UUID.self), cardID: try r[1].decode(UUID.self), ownerID: try r[2].decode(UUID.self),
            cardVersion: try r[3].decode(Int.self), status: RunStatus(rawValue: status) ?? .failed,
            models: try r[5].decode([String].self), repeat: try r[6].decode(Int.self), concurrency: try r[7].decode(Int.self),
            total: try r[8].decode(Int.self), completed: try r[9].decode(Int.self), passed: try r[10].decode(Int.self),
            failed: try r[11].decode(Int.self), errored: try r[12].decode(Int.self), score: try r[13].decode(Double?.self),
            latencyP50Ms: try r[14].decode(Double?.self), latencyP95Ms: try r[15].decode(Double?.self),
            latencyP99Ms: try r[16].decode(Double?.self), promptTokens: try r[17].decode(Int.self),
            completionTokens: try r[18].decode(Int.self), cost: try r[19].decode(Double.self),
            createdAt: try r[20].decode(Date.self), startedAt: try r[21].decode(Date?.self), finishedAt: try r[22].decode(Date?.self))
        run.threshold = try r[23].decode(Double?.self)
        run.failureReason = try r[24].decode(String?.self)
        run.webhookURL = try r[25].decode(String?.self)
        return run
    }
}
