import RedisClient
import Testing
import TestSupport

/// The reconnecting subscriber: delivery, (un)subscribing while listening, patterns, restarts.
@Suite(.timeLimit(.minutes(1)))
struct PubSubTests {
    @Test func messagesArriveInOrderAndUnsubscribeStopsThem() async throws {
        try await withRedis { _, client async throws in
            let subscriber = client.makeSubscriber()
            let recorder = EventRecorder.recording(subscriber.events)
            try await subscriber.subscribe(["cards", "votes"])

            // subscribe() returned after confirmation, so each publish reaches exactly one subscriber.
            for index in 1...5 {
                #expect(try await client.send("PUBLISH", "cards", "card-\(index)") == .integer(1))
            }
            #expect(try await client.send("PUBLISH", "votes", "up") == .integer(1))
            let binary: [UInt8] = [0x00, 0xFF, 0x0A]
            #expect(try await client.send(bytes: [Array("PUBLISH".utf8), Array("cards".utf8), binary]) == .integer(1))

            let expected: [RedisPubSubEvent] = (1...5).map { .message("cards", "card-\($0)") }
                + [.message("votes", "up"), .message(channel: "cards", payload: binary)]
            #expect(try await recorder.first(7) == expected)

            try await subscriber.unsubscribe(["cards"])
            #expect(try await client.send("PUBLISH", "cards", "after-unsubscribe") == .integer(0))
            #expect(try await client.send("PUBLISH", "votes", "still-here") == .integer(1))
            #expect(try await recorder.wait { $0.count >= 8 })
            try await Task.sleep(for: .milliseconds(200))
            #expect(recorder.events.count == 8)
            #expect(recorder.events.last == .message("votes", "still-here"))

            try await subscriber.unsubscribe([])  // everything
            #expect(try await client.send("PUBLISH", "votes", "nobody") == .integer(0))
            await subscriber.close()
        }
    }

    @Test func patternSubscriptionsDeliverPmessage() async throws {
        try await withRedis { _, client async throws in
            let subscriber = client.makeSubscriber()
            let recorder = EventRecorder.recording(subscriber.events)
            try await subscriber.subscribe(["plain"])
            try await subscriber.psubscribe(["deck.*"])

            #expect(try await client.send("PUBLISH", "deck.42", "updated") == .integer(1))
            #expect(try await client.send("PUBLISH", "plain", "hello") == .integer(1))
            #expect(try await client.send("PUBLISH", "other", "ignored") == .integer(0))

            #expect(try await recorder.first(2) == [
                .pmessage(pattern: "deck.*", channel: "deck.42", payload: Array("updated".utf8)),
                .message("plain", "hello"),
            ])
            try await subscriber.punsubscribe(["deck.*"])
            #expect(try await client.send("PUBLISH", "deck.42", "gone") == .integer(0))
            await subscriber.close()
        }
    }

    @Test func subscribingWhileMessagesFlow() async throws {
        try await withRedis { _, client async throws in
            let subscriber = client.makeSubscriber()
            let recorder = EventRecorder.recording(subscriber.events)
            try await subscriber.subscribe(["c0"])
            // Each new subscription is made while the subscriber thread is waiting for messages.
            for index in 1...10 {
                try await subscriber.subscribe(["c\(index)"])
                #expect(try await client.send("PUBLISH", "c\(index)", "m\(index)") == .integer(1))
            }
            #expect(try await recorder.first(10) == (1...10).map { .message("c\($0)", "m\($0)") })
            await subscriber.close()
        }
    }

    @Test func subscriberReconnectsAfterRestartAndResubscribes() async throws {
        try await withRedis { server, client async throws in
            let subscriber = client.makeSubscriber()
            let recorder = EventRecorder.recording(subscriber.events)
            try await subscriber.subscribe(["alerts"])
            try await subscriber.psubscribe(["room.*"])
            #expect(try await client.send("PUBLISH", "alerts", "before") == .integer(1))
            #expect(try await recorder.wait { $0 == [.message("alerts", "before")] })

            try await server.restart()

            #expect(try await recorder.wait { $0.contains(.reconnected) }, "no .reconnected after the restart")
            // .reconnected comes only once every subscription is restored, so these must arrive.
            #expect(try await client.send("PUBLISH", "alerts", "after") == .integer(1))
            #expect(try await client.send("PUBLISH", "room.7", "hi") == .integer(1))
            #expect(try await recorder.wait { $0.count >= 4 })
            #expect(recorder.events == [
                .message("alerts", "before"),
                .reconnected,
                .message("alerts", "after"),
                .pmessage(pattern: "room.*", channel: "room.7", payload: Array("hi".utf8)),
            ])

            // And it keeps accepting new subscriptions on the new connection.
            try await subscriber.subscribe(["late"])
            #expect(try await client.send("PUBLISH", "late", "yes") == .integer(1))
            #expect(try await recorder.wait { $0.last == .message("late", "yes") })
            await subscriber.close()
        }
    }

    @Test func subscribeWaitsForRedisToComeBack() async throws {
        try await withRedis { server, client async throws in
            let subscriber = client.makeSubscriber()
            let recorder = EventRecorder.recording(subscriber.events)
            try await subscriber.subscribe(["first"])
            await server.stop()
            let pending = Task { try await subscriber.subscribe(["second"]) }
            try await Task.sleep(for: .milliseconds(300))
            try await server.restart()
            try await pending.value
            #expect(try await client.send("PUBLISH", "second", "ok") == .integer(1))
            #expect(try await client.send("PUBLISH", "first", "ok") == .integer(1))
            #expect(try await recorder.wait { $0.contains(.message("second", "ok")) && $0.contains(.message("first", "ok")) })
            #expect(recorder.events.contains(.reconnected))
            await subscriber.close()
        }
    }

    @Test func aSubscribeWaitingForRedisCanBeCancelled() async throws {
        try await withRedis { server, client async throws in
            let subscriber = client.makeSubscriber()
            try await subscriber.subscribe(["up"])
            await server.stop()
            let waiting = Task { try await subscriber.subscribe(["down"]) }
            try await Task.sleep(for: .milliseconds(200))
            waiting.cancel()
            let (outcome, seconds) = await measure { await waiting.result }
            // Redis stays down, so a subscribe that ignored cancellation would never return; the
            // bound only has to be finite and far above scheduling noise on a loaded 2-core
            // machine (0.52 s was seen with a build running beside the tests).
            #expect(seconds < 5)
            #expect(throws: CancellationError.self) { try outcome.get() }
            await subscriber.close()
        }
    }

    @Test func subscribeWithAWrongPasswordThrowsInsteadOfWaiting() async throws {
        try await withRedis { server, admin async throws in
            _ = try await admin.send("CONFIG", "SET", "requirepass", "right")
            let client = RedisClient(configuration: try RedisConfiguration(url: "redis://:wrong@127.0.0.1:\(server.port)"))
            let subscriber = client.makeSubscriber()
            do {
                try await subscriber.subscribe(["secrets"])
                Issue.record("subscribing with a wrong password must fail")
            } catch RedisError.server(let message) {
                #expect(message.hasPrefix("AUTH failed"))
            }
            await subscriber.close()
            await client.shutdown()
        }
    }

    @Test func closeFinishesTheStreamPromptly() async throws {
        try await withRedis { server, client async throws in
            let subscriber = client.makeSubscriber()
            let recorder = EventRecorder.recording(subscriber.events)
            try await subscriber.subscribe(["x"])
            let (_, seconds) = await measure { await subscriber.close() }
            // The subscriber's thread sleeps in poll() with no timeout: a close that did not wake
            // it would never end. 30 s tells the two apart on a loaded machine (1 s did not).
            #expect(seconds < 30)
            #expect(try await recorder.wait { _ in recorder.isFinished })
            await #expect(throws: RedisError.closed) { try await subscriber.subscribe(["y"]) }
            #expect(try await client.send("PUBLISH", "x", "nobody") == .integer(0))

            // Closing while it waits to reconnect (Redis down) is prompt too: with a 60 s wait,
            // a close that waited it out could not pass on any machine, however loaded.
            var patient = client.configuration
            patient.firstReconnectDelay = .seconds(60)
            patient.maximumReconnectDelay = .seconds(60)
            let waiting = RedisClient(configuration: patient)
            let another = waiting.makeSubscriber()
            try await another.subscribe(["z"])
            await server.stop()
            try await Task.sleep(for: .seconds(1))
            let (_, closing) = await measure { await another.close() }
            #expect(closing < 30)
            await waiting.shutdown()
        }
    }
}
