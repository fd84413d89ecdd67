import Foundation
import Hummingbird
import ServiceKit
import Storage

/// `GET /api/v1/analytics/models` (all of the caller's cards) and
/// `GET /api/v1/analytics/cards/{id}`: per-model pass rate, scores, latency percentiles,
/// tokens and cost over `?from=&to=` (ISO 8601; default the last 30 days), plus a daily trend.
struct AnalyticsController: Sendable {
    let cards: any CardRepository
    let analytics: any AnalyticsRepository
    static let maximumWindow: TimeInterval = 366 * 86_400

    struct Report: ResponseEncodable {
        var cardID: String?
        var from: Date
        var to: Date
        var models: [ModelStats]
        var trend: [DailyStats]

        enum CodingKeys: String, CodingKey {
            case from, to, models, trend
            case cardID = "card_id"
        }
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.get("/analytics/models", use: overall)
        routes.get("/analytics/cards/{cardID}", use: card)
    }

    @Sendable func overall(_ request: Request, context: ServiceRequestContext) async throws -> Report {
        let (from, to) = try Self.window(request)
        return try await report(AnalyticsScope(ownerID: try context.ownerScope(), cardID: nil, from: from, to: to))
    }

    @Sendable func card(_ request: Request, context: ServiceRequestContext) async throws -> Report {
        let card = try await cards.owned(by: context)
        let (from, to) = try Self.window(request)
        return try await report(AnalyticsScope(ownerID: try context.ownerScope(), cardID: card.id, from: from, to: to))
    }

    private func report(_ scope: AnalyticsScope) async throws -> Report {
        async let models = analytics.modelStats(scope)
        async let trend = analytics.dailyTrend(scope)
        return Report(cardID: scope.cardID?.uuidString.lowercased(), from: scope.from, to: scope.to,
                      models: try await models, trend: try await trend)
    }

    static func window(_ request: Request) throws -> (Date, Date) {
        func date(_ name: String) throws -> Date? {
            guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
            guard let date = try? Date(String(raw), strategy: .iso8601) else {
                throw APIError.validation(field: name, reason: "must be an ISO 8601 time such as 2026-01-31T00:00:00Z")
            }
            return date
        }
        let to = try date("to") ?? .now
        let from = try date("from") ?? to.addingTimeInterval(-30 * 86_400)
        guard from < to else { throw APIError.validation(field: "from", reason: "must be before to") }
        guard to.timeIntervalSince(from) <= maximumWindow else { throw APIError.validation(field: "from", reason: "the window must be at most 366 days") }
        return (from, to)
    }
}
