import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

/// The whole suite as processes behind the real nginx, with real Postgres, Redis and the
/// local LLM: register → login → card → tests → run → results, watched over WebSocket
/// and SSE. Serialized: it starts six daemons, which is plenty on two cores.
@Suite(.serialized) struct RunSliceEndToEndTests {
    @Test func aRunGoesFromCreationToCompletedResultsAndLiveEvents() async throws {
        try await TestDatabase.with { _, databaseURL in
            let suite = try await SuiteProcesses.start(databaseURL: databaseURL)
            do {
                try await drive(suite)
            } catch {
                await suite.stop()
                throw error
            }
            await suite.stop()
            for pid in suite.recordedPIDs() {
                #expect(kill(pid, 0) != 0, "process \(pid) survived daemons.sh stop")
            }
        }
    }

    func drive(_ suite: SuiteProcesses) async throws {
        var api = APIClient(baseURL: suite.nginxURL + "/api/v1")
        let email = "e2e-\(UUID().uuidString.prefix(6))@example.com"

        let registered = try await api.send(.POST, "/auth/register", json: ["email": email, "password": "correct horse"])
        #expect(registered.status == 201, "\(registered.text)")
        #expect(registered.json["id"] as? String != nil && registered.json["password_hash"] == nil)
        #expect(registered.headers.first(name: "x-request-id") != nil)
        let duplicate = try await api.send(.POST, "/auth/register", json: ["email": email.uppercased(), "password": "correct horse"])
        #expect(duplicate.status == 409 && duplicate.contentType == "application/problem+json")

        let wrong = try await api.send(.POST, "/auth/login", json: ["email": email, "password": "wrong password"])
        #expect(wrong.status == 401)
        let login = try await api.send(.POST, "/auth/login", json: ["email": email, "password": "correct horse"])
        #expect(login.status == 200)
        let token = try #require(login.json["access_token"] as? String)
        let refreshToken = try #require(login.json["refresh_token"] as? String)
        #expect(login.json["token_type"] as? String == "Bearer")
        api.token = token

        let refreshed = try await api.send(.POST, "/auth/refresh", json: ["refresh_token": refreshToken])
        #expect(refreshed.status == 200 && refreshed.json["access_token"] as? String != nil)
        let replayed = try await api.send(.POST, "/auth/refresh", json: ["refresh_token": refreshToken])
        #expect(replayed.status == 401, "a rotated refresh token cannot be used twice")

        try await checkBadInput(api, suite: suite)

        let card = try await api.send(.POST, "/cards", json: [
            "title": "Capitals", "template": "What is the capital of {{country}}? Answer in one word.", "tags": ["geo"],
        ])
        #expect(card.status == 201, "\(card.text)")
        let cardID = try #require(card.json["id"] as? String)
        #expect(card.json["variables"] as? [String] == ["country"])

        let cases: [[String: Any]] = [
            ["vars": ["country": "France"], "assert": [["type": "icontains", "value": "paris"]]],
            ["vars": ["country": "Japan"], "assert": [["type": "contains", "value": "Tokyo"]]],
            ["vars": ["country": "Italy"], "assert": [["type": "regex", "value": "[A-Za-z]+"]]],
            ["vars": ["country": "Spain"], "assert": [["type": "not-equals", "value": "Madrid"], ["type": "icontains", "value": "madrid", "weight": 2]], "threshold": 0.5],
        ]
        for testCase in cases {
            let created = try await api.send(.POST, "/cards/\(cardID)/tests", json: testCase)
            #expect(created.status == 201, "\(created.text)")
        }

        let run = try await api.send(.POST, "/cards/\(cardID)/runs", json: ["models": ["smollm2"], "concurrency": 2])
        #expect(run.status == 202, "\(run.text)")
        let runID = try #require(run.json["id"] as? String)
        #expect(runID == runID.lowercased(), "ids are lowercase")
        #expect(run.headers.first(name: "location") == "/api/v1/runs/\(runID)")
        #expect(run.json["total"] as? Int == 4)

        // Subscribe right after creating the run, from the start of its history.
        let wsURL = suite.nginxURL.replacingOccurrences(of: "http://", with: "ws://") + "/ws?access_token=\(token)"
        let events = try await collectEvents(url: wsURL, channel: "run:\(runID)", since: "0")
        let types = events.compactMap { $0["type"] as? String }
        let ids = events.compactMap { $0["id"] as? String }
        #expect(types.first == "run.queued")
        #expect(types.last == "run.completed")
        #expect(types.filter { $0 == "case.completed" }.count == 4)
        #expect(types.filter { $0 == "run.started" }.count == 1)
        #expect(Set(ids).count == ids.count, "no duplicate events")
        #expect(ids == ids.sorted { isAfter($1, $0) }, "events in order")
        let caseIDs = events.filter { $0["type"] as? String == "case.completed" }
            .compactMap { ($0["data"] as? [String: Any])?["test_case_id"] as? String }
        #expect(Set(caseIDs).count == 4)

        // Resuming from the third event replays exactly what followed it.
        let resumed = try await collectEvents(url: wsURL, channel: "run:\(runID)", since: ids[2])
        #expect(resumed.compactMap { $0["id"] as? String } == Array(ids[3...]))

        // The same history over SSE with Last-Event-ID.
        let sse = try await collectSSE(url: suite.nginxURL + "/events?channel=run:\(runID)", token: token, lastEventID: ids[0])
        #expect(sse == Array(ids[1...]))

        try await checkChannelAccess(suite: suite, owner: token, runID: runID, cardID: cardID)
        try checkTokensStayOutOfTheLogs(suite, tokens: [token])

        let final = try await api.send(.GET, "/runs/\(runID)")
        #expect(final.json["status"] as? String == "completed", "\(final.text)")
        #expect(final.json["completed"] as? Int == 4)
        let passed = final.json["passed"] as? Int ?? -1
        let failed = final.json["failed"] as? Int ?? -1
        let errored = final.json["errored"] as? Int ?? -1
        #expect(passed + failed + errored == 4)
        #expect(errored == 0, "the local LLM answered every case")
        #expect(final.json["latency_p50_ms"] as? Double != nil)

        let results = try await api.send(.GET, "/runs/\(runID)/results")
        let rows = try #require(results.json["data"] as? [[String: Any]])
        #expect(rows.count == 4)
        let prompts = Set(rows.compactMap { $0["prompt"] as? String })
        #expect(prompts.contains("What is the capital of France? Answer in one word."))
        #expect(rows.allSatisfy { ($0["output"] as? String)?.isEmpty == false })
        #expect(rows.allSatisfy { ($0["grading"] as? [String: Any])?["componentResults"] != nil })
        #expect(rows.filter { $0["pass"] as? Bool == true }.count == passed)

        let cancelLate = try await api.send(.POST, "/runs/\(runID)/cancel")
        #expect(cancelLate.status == 409, "a completed run cannot be cancelled")

        let health = try await APIClient(baseURL: suite.nginxURL).send(.GET, "/health")
        #expect(health.status == 200, "\(health.text)")
        #expect(health.contentType == "application/health+json")
        let checks = try #require(health.json["checks"] as? [String: Any])
        for component in ["postgres", "redis", "event-outbox", "gateway", "cards-api", "realtime", "queue-worker", "llm-proxy"] {
            #expect(checks["\(component):responseTime"] != nil, "health lists \(component)")
        }
    }

    /// Bad input of every kind answers a 4xx problem+json, never a 500.
    func checkBadInput(_ api: APIClient, suite: SuiteProcesses) async throws {
        func expectProblem(_ reply: APIClient.Reply, _ status: Int, _ note: String) {
            #expect(reply.status == status, "\(note): \(reply.status) \(reply.text)")
            #expect(reply.contentType == "application/problem+json", "\(note): \(reply.contentType)")
        }
        expectProblem(try await api.send(.POST, "/cards", rawBody: "{\"title\": "), 400, "malformed JSON")
        expectProblem(try await api.send(.POST, "/cards", json: ["title": 5, "template": "x"]), 400, "wrong field type")
        let unclosed = try await api.send(.POST, "/cards", json: ["title": "t", "template": "Hello {{name"])
        expectProblem(unclosed, 400, "unclosed placeholder")
        #expect(unclosed.text.contains("template"))
        expectProblem(try await api.send(.GET, "/cards/\(UUID().uuidString)"), 404, "missing card")
        expectProblem(try await api.send(.GET, "/cards/not-a-uuid"), 404, "malformed id")
        expectProblem(try await api.send(.GET, "/runs/\(UUID().uuidString)"), 404, "missing run")
        let empty = try await api.send(.POST, "/cards", json: ["title": "empty", "template": "{{x}}"])
        let emptyID = empty.json["id"] as? String ?? ""
        expectProblem(try await api.send(.POST, "/cards/\(emptyID)/runs", json: ["models": ["smollm2"]]), 422, "run without tests")
        let badAssert = try await api.send(.POST, "/cards/\(emptyID)/tests", json: ["vars": [:], "assert": [["type": "no-such-type", "value": "x"]]])
        expectProblem(badAssert, 400, "unknown assertion type")
        #expect(badAssert.text.contains("assert[0]"))
        expectProblem(try await api.send(.POST, "/cards/\(emptyID)/runs", json: ["models": [], "concurrency": 0]), 400, "bad run options")

        var anonymous = api
        anonymous.token = nil
        expectProblem(try await anonymous.send(.GET, "/cards"), 401, "no token")
        anonymous.token = "not.a.jwt"
        expectProblem(try await anonymous.send(.GET, "/cards"), 401, "invalid token")
        anonymous.token = Self.expiredToken(secret: suite.jwtSecret)
        expectProblem(try await anonymous.send(.GET, "/cards"), 401, "expired token")
        // Tokens in URLs end up in logs: only realtime's /ws and /events take one.
        anonymous.token = nil
        let valid = api.token ?? ""
        expectProblem(try await anonymous.send(.GET, "/cards?access_token=\(valid)"), 401, "token in an API URL")
        expectProblem(try await api.send(.GET, "/cards?access_token=\(valid)"), 401, "token in an API URL and a header")
    }

    /// An HS256 token whose `exp` is an hour ago, signed with the suite's real secret.
    static func expiredToken(secret: String) -> String {
        ExpiredTokenFactory.make(secret: secret)
    }

    /// Subscribes over WebSocket and returns the events up to and including `run.completed`.
    func collectEvents(url: String, channel: String, since: String) async throws -> [[String: Any]] {
        let collected = Mutex<[Data]>([])
        let subscribed = Mutex(false)
        try await withDeadlineOrFail(.seconds(180)) {
            try await WebSocketClient.connect(url: url, logger: Logger(label: "e2e-ws")) { inbound, outbound, _ in
                let request = try JSONSerialization.data(withJSONObject: ["op": "subscribe", "channel": channel, "since": since])
                try await outbound.write(.text(String(decoding: request, as: UTF8.self)))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message,
                          let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                    if object["op"] as? String == "subscribed" {
                        #expect(collected.withLock { $0.isEmpty }, "subscribed comes before any event")
                        subscribed.withLock { $0 = true }
                        continue
                    }
                    if object["type"] != nil { collected.withLock { $0.append(Data(text.utf8)) } }
                    if object["type"] as? String == "run.completed" { break }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
        #expect(subscribed.withLock { $0 })
        return collected.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    /// Another user cannot watch the run or the card, over WebSocket or SSE; its owner can,
    /// and anyone signed in can watch `health`.
    func checkChannelAccess(suite: SuiteProcesses, owner: String, runID: String, cardID: String) async throws {
        var other = APIClient(baseURL: suite.nginxURL + "/api/v1")
        let email = "other-\(UUID().uuidString.prefix(6))@example.com"
        _ = try await other.send(.POST, "/auth/register", json: ["email": email, "password": "correct horse"])
        other.token = try #require(try await other.send(.POST, "/auth/login", json: ["email": email, "password": "correct horse"])
            .json["access_token"] as? String)
        let ws = suite.nginxURL.replacingOccurrences(of: "http://", with: "ws://") + "/ws?access_token="
        for channel in ["run:\(runID)", "card:\(cardID)"] {
            let refused = try await firstReply(url: ws + other.token!, channel: channel)
            #expect(refused["op"] as? String == "error" && refused["error"] as? String == "no such channel", "\(channel): \(refused)")
            let owned = try await firstReply(url: ws + owner, channel: channel)
            #expect(owned["op"] as? String == "subscribed", "\(channel): \(owned)")
        }
        #expect(try await firstReply(url: ws + other.token!, channel: "health")["op"] as? String == "subscribed")

        var request = HTTPClientRequest(url: suite.nginxURL + "/events?channel=run:\(runID)")
        request.headers.add(name: "authorization", value: "Bearer \(other.token!)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .notFound)
        if response.status != .ok {  // a granted stream would never end
            let body = try await response.body.collect(upTo: 1 << 16)
            #expect(String(buffer: body).contains("not found"), "\(String(buffer: body))")
        }
    }

    /// The WebSocket requests above carried the token as `?access_token=`: nginx's access log
    /// has them with the token redacted, and no daemon log has the token either.
    func checkTokensStayOutOfTheLogs(_ suite: SuiteProcesses, tokens: [String]) throws {
        let accessLog = try String(contentsOfFile: suite.runDirectory + "/nginx/logs/access.log", encoding: .utf8)
        #expect(accessLog.contains("/ws?access_token=[REDACTED]"), "nginx logged the WebSocket requests")
        let logs = try FileManager.default.contentsOfDirectory(atPath: suite.runDirectory + "/logs")
            .map { suite.runDirectory + "/logs/" + $0 } + [suite.runDirectory + "/nginx/logs/access.log"]
        for file in logs {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            for token in tokens {
                #expect(!text.contains(token), "\(file) has an access token")
            }
        }
    }

    /// Subscribes over WebSocket and returns the server's first reply.
    func firstReply(url: String, channel: String) async throws -> [String: Any] {
        let reply = Mutex<Data?>(nil)
        try await withDeadlineOrFail(.seconds(30)) {
            try await WebSocketClient.connect(url: url, logger: Logger(label: "e2e-ws")) { inbound, outbound, _ in
                let request = try JSONSerialization.data(withJSONObject: ["op": "subscribe", "channel": channel])
                try await outbound.write(.text(String(decoding: request, as: UTF8.self)))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    reply.withLock { $0 = Data(text.utf8) }
                    break
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
        let data = try #require(reply.withLock { $0 })
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Reads the SSE stream until `run.completed`; returns the `id:` values seen.
    func collectSSE(url: String, token: String, lastEventID: String) async throws -> [String] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "authorization", value: "Bearer \(token)")
        request.headers.add(name: "last-event-id", value: lastEventID)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type") == "text/event-stream")
        var ids: [String] = []
        var buffer = ""
        reading: for try await chunk in response.body {
            buffer += String(buffer: chunk)
            while let end = buffer.range(of: "\n\n") {
                let record = String(buffer[..<end.lowerBound])
                buffer = String(buffer[end.upperBound...])
                let lines = record.split(separator: "\n")
                if let id = lines.first(where: { $0.hasPrefix("id: ") }) { ids.append(String(id.dropFirst(4))) }
                if lines.contains("event: run.completed") { break reading }
            }
        }
        return ids
    }
}

func isAfter(_ a: String, _ b: String) -> Bool {
    let pa = a.split(separator: "-").compactMap { UInt64($0) }
    let pb = b.split(separator: "-").compactMap { UInt64($0) }
    return pa.lexicographicallyPrecedes(pb) == false && pa != pb
}

/// Fails the test instead of hanging it when `work` does not finish in time.
func withDeadlineOrFail(_ limit: Duration, _ work: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await work()
            return true
        }
        group.addTask {
            try await Task.sleep(for: limit)
            return false
        }
        let finished = try await group.next() ?? false
        group.cancelAll()
        if !finished { Issue.record("timed out after \(limit)") }
    }
}
