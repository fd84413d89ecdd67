import Foundation
import Logging
import PostgresNIO

/// Per-model aggregates computed in SQL (never by loading result rows into memory).
public protocol AnalyticsRepository: Sendable {
    func modelStats(_ scope: AnalyticsScope) async throws -> [ModelStats]
    func dailyTrend(_ scope: AnalyticsScope) async throws -> [DailyStats]
}

public struct PostgresAnalyticsRepository: AnalyticsRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func modelStats(_ scope: AnalyticsScope) async throws -> [ModelStats] {
        let rows = try await client.query("""
            SELECT r.model, count(DISTINCT r.run_id)::bigint, count(*)::bigint,
                   avg(CASE WHEN r.pass THEN 1.0 ELSE 0.0 END)::float8, coalesce(avg(r.score), 0)::float8,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY r.latency_ms),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY r.latency_ms),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY r.latency_ms),
                   coalesce(sum(r.prompt_tokens), 0)::bigint, coalesce(sum(r.completion_tokens), 0)::bigint,
                   coalesce(sum(r.cost), 0)::float8
            FROM results r JOIN runs u ON u.id = r.run_id
            WHERE (\(scope.ownerID)::uuid IS NULL OR u.owner_id = \(scope.ownerID))
              AND (\(scope.cardID)::uuid IS NULL OR u.card_id = \(scope.cardID))
              AND r.created_at >= \(scope.from) AND r.created_at < \(scope.to)
            GROUP BY r.model ORDER BY r.model
            """, logger: logger)
        var stats: [ModelStats] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            stats.append(ModelStats(
                model: try r[0].decode(String.self), runs: try r[1].decode(Int.self), results: try r[2].decode(Int.self),
                passRate: try r[3].decode(Double.self), meanScore: try r[4].decode(Double.self),
                latencyP50Ms: try r[5].decode(Double?.self), latencyP95Ms: try r[6].decode(Double?.self),
                latencyP99Ms: try r[7].decode(Double?.self), promptTokens: try r[8].decode(Int.self),
                completionTokens: try r[9].decode(Int.self), cost: try r[10].decode(Double.self)))
        }
        return stats
    }

    public func dailyTrend(_ scope: AnalyticsScope) async throws -> [DailyStats] {
        let rows = try await client.query("""
            SELECT to_char(date_trunc('day', r.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, r.model, count(*)::bigint,
                   avg(CASE WHEN r.pass THEN 1.0 ELSE 0.0 END)::float8, coalesce(avg(r.score), 0)::float8
            FROM results r JOIN runs u ON u.id = r.run_id
            WHERE (\(scope.ownerID)::uuid IS NULL OR u.owner_id = \(scope.ownerID))
              AND (\(scope.cardID)::uuid IS NULL OR u.card_id = \(scope.cardID))
              AND r.created_at >= \(scope.from) AND r.created_at < \(scope.to)
            GROUP BY 1, 2 ORDER BY 1, 2
            """, logger: logger)
        var days: [DailyStats] = []
        for try await (day, model, results, passRate, meanScore) in rows.decode((String, String, Int, Double, Double).self) {
            days.append(DailyStats(day: day, model: model, results: results, passRate: passRate, meanScore: meanScore))
        }
        return days
    }
}
