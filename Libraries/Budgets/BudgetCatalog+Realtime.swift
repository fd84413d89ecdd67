extension BudgetCatalog {
    public static let channelsPerConnection = BudgetDefinition(
        "MAX_CHANNELS_PER_CONNECTION", default: 100, range: 1...10_000, unit: "channels", kind: .count,
        enforcedBy: ["realtime"],
        summary: "Subscriptions one WebSocket connection may hold at once; one more is answered with an error frame")

    public static let connectionsPerUser = BudgetDefinition(
        "MAX_CONNECTIONS_PER_USER", default: 20, range: 1...10_000, unit: "connections", kind: .quota,
        enforcedBy: ["realtime"],
        summary: "Open WebSocket and SSE connections of one user on one realtime instance; one more is refused "
            + "with 429 (a connection that slips past the check is closed with the reason)")

    public static let connectionsPerClientAddress = BudgetDefinition(
        "MAX_CONNECTIONS_PER_CLIENT_ADDRESS", default: 200, range: 1...100_000, unit: "connections", kind: .quota,
        enforcedBy: ["realtime"],
        summary: "Open WebSocket and SSE connections from one client address (X-Real-IP from the edge) on one "
            + "realtime instance; one more is refused with 429")

    public static let connectionsPerProcess = BudgetDefinition(
        "MAX_CONNECTIONS_PER_PROCESS", default: 10_000, range: 1...1_000_000, unit: "connections", kind: .quota,
        enforcedBy: ["realtime"],
        summary: "Open WebSocket and SSE connections one realtime process serves (keep it under the open-files "
            + "limit); one more is refused with 429, so the HPA adds instances instead")

    public static let subscribesPerMinute = BudgetDefinition(
        "MAX_SUBSCRIBES_PER_MINUTE", default: 120, range: 1...100_000, unit: "subscribes per minute", kind: .quota,
        enforcedBy: ["realtime"],
        summary: "Subscribe attempts one WebSocket connection may make per minute; each may cost a cards-api "
            + "lookup, so more are answered with an error frame without asking")

    public static let queuedFramesPerConnection = BudgetDefinition(
        "MAX_QUEUED_FRAMES_PER_CONNECTION", default: 2_000, range: 1_100...100_000, unit: "frames", kind: .count,
        enforcedBy: ["realtime"],
        summary: "Frames waiting to be sent to one slow client; past it the connection is closed with the reason "
            + "(WebSocket close 1008, or the SSE stream ends with an error event) and the client resumes with "
            + "`since` / Last-Event-ID. At least 1100, so a replay of the 1000 events a channel keeps always fits")

    static var realtime: [BudgetDefinition] {
        [channelsPerConnection, connectionsPerUser, connectionsPerClientAddress, connectionsPerProcess,
         subscribesPerMinute, queuedFramesPerConnection]
    }
}
