import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdWSClient
import JSONCore
import Logging
import NIOCore
import EventStreams
import RedisClient
import ServiceKit
import Synchronization
import TestSupport
import Testing

/// realtime's budgets, on the real binary with the test Redis: connection caps per user, per
/// client address and per process (429 before the upgrade), a cached refusal plus a
/// subscribe rate per connection (guessing run ids costs no cards-api lookups), a bounded
/// queue per connection (a slow consumer is closed with the reason and resumes), and tokens
/// kept out of the log.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RealtimeLimitsTests {
    static let deadCardsAPI = "http://127.0.0.1:9"

    func problem(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func aTokenInTheQueryNeverReachesTheLog() async throws {
        try await RealtimeProcess.with(cardsAPIURL: Self.deadCardsAPI) { realtime in
            let token = try await realtime.token()
            let connection = HeldConnection(url: realtime.wsURL + "?access_token=\(token)")
            #expect(await connection.firstReply.value?.contains("subscribed") == true)
            try await connection.close()
            let sse = try await realtime.get("/events?channel=health&access_token=\(token)")
            #expect(sse.status == 200)
            #expect(try await realtime.get("/health/live?access_token=\(token)").status == 200)
            try await Task.sleep(for: .milliseconds(200))
            let log = realtime.log()
            #expect(log.contains("access_token=[REDACTED]"), "the requests were logged")
            #expect(!log.contains(token), "the token is in realtime's log")
            #expect(!log.contains(String(token.split(separator: ".").last ?? "")), "not even its signature")
        }
    }

    /// One cap at a time set to 2; `users` and `addresses` say what the third connection shares.
    struct Cap: Sendable, CustomStringConvertible {
        let variable: String
        let sameUser: Bool
        let sameAddress: Bool
        var description: String { variable }
    }

    @Test(arguments: [
        Cap(variable: "MAX_CONNECTIONS_PER_USER", sameUser: true, sameAddress: false),
        Cap(variable: "MAX_CONNECTIONS_PER_CLIENT_ADDRESS", sameUser: false, sameAddress: true),
        Cap(variable: "MAX_CONNECTIONS_PER_PROCESS", sameUser: false, sameAddress: false),
    ])
    func aConnectionOverACapIsRefusedWith429UntilOneCloses(cap: Cap) async throws {
        try await RealtimeProcess.with(cardsAPIURL: Self.deadCardsAPI, settings: [cap.variable: "2"]) { realtime in
            let user = UUID()
            func headers(_ index: Int) async throws -> HTTPFields {
                let token = try await realtime.token(for: cap.sameUser ? user : UUID())
                // The test connects over loopback, like nginx: realtime believes its X-Real-IP.
                let address = cap.sameAddress ? "198.51.100.1" : "198.51.100.\(10 + index)"
                return [.authorization: "Bearer \(token)", HTTPField.Name("X-Real-IP")!: address]
            }
            var open: [HeldConnection] = []
            for index in 0..<2 {
                let connection = HeldConnection(url: realtime.wsURL, headers: try await headers(index))
                #expect(await connection.firstReply.value?.contains("subscribed") == true, "connection \(index)")
                open.append(connection)
            }
            let third = try await headers(2)
            let pairs = third.map { ($0.name.rawName, $0.value) }
            for path in ["/ws", "/events?channel=health"] {
                let refused = try await realtime.get(path, headers: pairs)
                #expect(refused.status == 429, "\(path): \(refused.body)")
                let limit = problem(refused.body)["limit"] as? [String: Any]
                #expect(limit?["name"] as? String == cap.variable && limit?["max"] as? Int == 2, "\(refused.body)")
            }
            let upgrade = HeldConnection(url: realtime.wsURL, headers: third)
            #expect(await upgrade.firstReply.value == nil, "the upgrade is refused")
            _ = try? await upgrade.close()

            try await open.removeFirst().close()
            // The server frees the slot when its side of the socket has closed too: moments later.
            var admitted = false
            for _ in 0..<100 where !admitted {
                let connection = HeldConnection(url: realtime.wsURL, headers: third)
                admitted = await connection.firstReply.value?.contains("subscribed") == true
                _ = try? await connection.close()
                if !admitted { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(admitted, "a closed connection frees its slot")
            for connection in open { try await connection.close() }
        }
    }

    @Test func guessingRunIDsCostsAtMostOneLookupEachAndIsRateLimited() async throws {
        try await CardsAPIStandIn.withRunning { cardsAPI, lookups in
            let settings = ["MAX_SUBSCRIBES_PER_MINUTE": "6"]
            try await RealtimeProcess.with(cardsAPIURL: cardsAPI, settings: settings) { realtime in
                let token = try await realtime.token()
                let guessed = UUID().uuidString.lowercased()
                let replies = Mutex<[String]>([])
                try await WebSocketClient.connect(url: realtime.wsURL + "?access_token=\(token)",
                                                  logger: Logger(label: "rt-test")) { inbound, outbound, _ in
                    var channels = Array(repeating: "run:\(guessed)", count: 3)
                    channels += (0..<5).map { _ in "run:\(UUID().uuidString.lowercased())" }
                    for channel in channels {
                        try await outbound.write(.text(#"{"op":"subscribe","channel":"\#(channel)"}"#))
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        if replies.withLock({ $0.append(text); return $0.count }) == channels.count { break }
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                let errors = replies.withLock { $0 }.map { problem($0)["error"] as? String ?? "" }
                #expect(errors.prefix(6).allSatisfy { $0 == "no such channel" }, "\(errors)")
                #expect(errors.suffix(2).allSatisfy { $0.contains("MAX_SUBSCRIBES_PER_MINUTE") }, "\(errors)")
                // The same guess three times: one lookup; three other guesses: three; two never asked.
                #expect(lookups.total == 4)
            }
        }
    }

    @Test func aSlowConsumerIsClosedWithTheReasonAndResumesWithSince() async throws {
        let limit = 1_100
        // 30 MB of events: on a Redis of its own, so the shared one stays quick for other tests.
        let server = try await RedisServer.start()
        defer { Task { await server.stop() } }
        let settings = ["MAX_QUEUED_FRAMES_PER_CONNECTION": String(limit), "REDIS_URL": server.url]
        try await RealtimeProcess.with(cardsAPIURL: Self.deadCardsAPI, settings: settings) { realtime in
            let redis = RedisClient(configuration: try RedisConfiguration(url: server.url))
            defer { Task { await redis.shutdown() } }
            let bus = EventBus(redis: redis, keys: RedisKeys(prefix: realtime.keyPrefix))
            let token = try await realtime.token()
            let received = Mutex<[String]>([])
            let filler = JSONValue.string(String(repeating: "x", count: 6_000))
            let close = try await WebSocketClient.connect(url: realtime.wsURL + "?access_token=\(token)",
                                                          logger: Logger(label: "rt-test")) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"op":"subscribe","channel":"health"}"#))
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                _ = try await messages.next()  // subscribed
                // 30 MB of events while this client reads nothing: more than the socket
                // buffers and the queue together hold.
                for index in 0..<5_000 {
                    let data = JSONValue.object(["n": .number(Double(index)), "fill": filler])
                    try await bus.publish(channel: "health", type: "tick", data: data)
                }
                while let message = try await messages.next() {
                    if case .text(let text) = message, let id = problem(text)["id"] as? String {
                        received.withLock { $0.append(id) }
                    }
                }
            }
            #expect(close?.closeCode == .policyViolation, "\(String(describing: close))")
            #expect(close?.reason?.contains("MAX_QUEUED_FRAMES_PER_CONNECTION") == true)
            let ids = received.withLock { $0 }
            #expect(ids.count < 5_000, "the slow client was cut off")
            let last = try #require(ids.last)

            let latest = try await bus.publish(channel: "health", type: "tick", data: .object(["n": .number(-1)]))
            let resumed = Mutex<[String]>([])
            try await WebSocketClient.connect(url: realtime.wsURL + "?access_token=\(token)",
                                              configuration: .init(maxFrameSize: 1 << 16),
                                              logger: Logger(label: "rt-test")) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"op":"subscribe","channel":"health","since":"\#(last)"}"#))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message, let id = problem(text)["id"] as? String else { continue }
                    resumed.withLock { $0.append(id) }
                    if id == latest.id { break }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let after = resumed.withLock { $0 }
            #expect(after.last == latest.id && !after.contains(last), "resumed after \(last): \(after.count) events")
        }
    }
}
