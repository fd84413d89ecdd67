import Crypto
import Foundation
import JSONCore
import Queue
@testable import QueueWorkerService
import Storage
import Testing

/// `webhook.deliver` against a real receiver: signed with the owner's secret, retried while
/// the receiver says "not now", ended at once when it says "never" or the address is one a
/// webhook may not reach; and a run with a webhook announces its end exactly once.
@Suite(.serialized) struct WebhookDeliveryTests {
    static let allowPrivate = ["WEBHOOK_ALLOW_PRIVATE": "1", "LLM_PROXY_URL": "http://127.0.0.1:9"]

    static func quickly(_ job: JobEnvelope) -> JobEnvelope {
        var job = job
        job.backoff = Backoff(kind: .fixed, delayMilliseconds: 200, jitter: 0)
        return job
    }

    @Test func aDeliveryIsSignedWithTheOwnersSecretAndRetriedUntilTheReceiverTakesIt() async throws {
        let receiver = WebhookReceiver(statuses: [500, 503])
        try await receiver.serve { url in
            try await WorkerHarness.with { harness in
                let owner = try await harness.storedCard().ownerID
                let body: JSONValue = .object(["hello": .string("world"), "n": .number(1)])
                let job = try WebhookDeliveryJob(url: url, event: "test.ping", body: body).envelope(id: "hook-1", owner: owner)
                try await harness.queue.enqueue(Self.quickly(job))
                try await harness.runningWorker(Self.allowPrivate) {
                    try await harness.eventually("the delivery is taken") {
                        try await harness.queue.job(id: "hook-1")?.state == .completed
                    }
                }
                let deliveries = receiver.deliveries
                try #require(deliveries.count == 3, "delivered \(deliveries.count) times")
                let last = deliveries[2]
                #expect(last.header("X-PCS-Event") == "test.ping" && last.header("X-PCS-Delivery") == "hook-1")
                #expect(deliveries.map { $0.header("X-PCS-Attempt") } == ["1", "2", "3"])
                #expect(last.header("Content-Type") == "application/json")
                #expect(try JSONDecoder().decode(JSONValue.self, from: last.body) == body)
                let secret = try #require(try await WebhookSecretRepository(client: harness.database, logger: WorkerHarness.logger)
                    .secret(of: owner))
                let timestamp = try #require(last.header("X-PCS-Timestamp"))
                let age = Date().timeIntervalSince1970 - (Double(timestamp) ?? 0)
                #expect(age >= 0 && age < 600, "a current timestamp: \(timestamp)")
                let expected = HMAC<SHA256>.authenticationCode(for: Data((timestamp + ".").utf8) + last.body,
                                                               using: SymmetricKey(data: Data(secret.utf8)))
                #expect(last.header("X-PCS-Signature") == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
                #expect(try await harness.queue.job(id: "hook-1")?.result == #"{"status":200}"#)
            }
        }
    }

    @Test func aRefusalAPrivateAddressOrNoOwnerEndsTheDeliveryAtOnce() async throws {
        let receiver = WebhookReceiver(statuses: [404])
        try await receiver.serve { url in
            try await WorkerHarness.with { harness in
                let owner = try await harness.storedCard().ownerID
                let ping = WebhookDeliveryJob(url: url, event: "test.ping", body: .object([:]))
                try await harness.queue.enqueue([
                    Self.quickly(try ping.envelope(id: "hook-private", owner: owner)),
                    JobEnvelope(id: "hook-no-owner", type: WebhookDeliveryJob.type,
                                payload: #"{"url":"\#(url)","event":"x","body":{}}"#),
                ])
                // Without WEBHOOK_ALLOW_PRIVATE: loopback is refused before anything is sent.
                try await harness.runningWorker(["LLM_PROXY_URL": "http://127.0.0.1:9"]) {
                    try await harness.eventually("both are dead-lettered") {
                        try await harness.queue.deadLetters(after: "0").count == 2
                    }
                }
                #expect(receiver.deliveries.isEmpty, "nothing was sent to a private address")
                try await harness.queue.enqueue(Self.quickly(try ping.envelope(id: "hook-refused", owner: owner)))
                try await harness.runningWorker(Self.allowPrivate) {
                    try await harness.eventually("the refused one is dead-lettered") {
                        try await harness.queue.job(id: "hook-refused")?.state == .dead
                    }
                }
                #expect(receiver.deliveries.count == 1, "a 404 is not tried again")
                let reasons = Dictionary(uniqueKeysWithValues: try await harness.queue.deadLetters(after: "0").compactMap { letter in
                    letter.envelope.map { ($0.id, letter.error) }
                })
                #expect(reasons["hook-private"]?.contains("127.0.0.1, a loopback, private or link-local address") == true,
                        "\(reasons)")
                #expect(reasons["hook-no-owner"]?.contains("needs an owner") == true, "\(reasons)")
                #expect(reasons["hook-refused"]?.contains("answered 404") == true, "\(reasons)")
            }
        }
    }

    @Test func aRunWithAWebhookAnnouncesItsEndOnce() async throws {
        let receiver = WebhookReceiver()
        let proxy = ScriptedLLMProxy(answered: 10)
        try await proxy.serve { llm in
            try await receiver.serve { url in
                try await WorkerHarness.with { harness in
                    let run = try await harness.storedRun(words: ["hello", "hello"], webhookURL: url)
                    try await harness.queue.enqueue(try await harness.jobs(of: run))
                    let delivery = "webhook:\(run.id.uuidString.lowercased()):run.completed"
                    try await harness.runningWorker(["WEBHOOK_ALLOW_PRIVATE": "1", "LLM_PROXY_URL": llm]) {
                        _ = try await harness.finished(run.id)
                        try await harness.eventually("the run's end is delivered") {
                            try await harness.queue.job(id: delivery)?.state == .completed
                        }
                    }
                    try #require(receiver.deliveries.count == 1, "delivered \(receiver.deliveries.count) times")
                    let sent = receiver.deliveries[0]
                    #expect(sent.header("X-PCS-Event") == "run.completed" && sent.header("X-PCS-Delivery") == delivery)
                    let body = try #require(try JSONSerialization.jsonObject(with: sent.body) as? [String: Any])
                    let data = try #require(body["data"] as? [String: Any], "\(body)")
                    #expect(body["type"] as? String == "run.completed" && body["id"] as? String == delivery, "\(body)")
                    #expect(data["run_id"] as? String == run.id.uuidString.lowercased() && data["passed"] as? Int == 2, "\(data)")
                    #expect(data["status"] as? String == "completed", "\(data)")
                }
            }
        }
    }
}

/// Which addresses a webhook may not reach.
@Suite struct WebhookTargetTests {
    @Test(arguments: ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                      "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fc00::1", "fd12::1",
                      "fe80::1", "fe80::1%eth0", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-address"])
    func privateLoopbackAndLinkLocalAddressesAreRefused(address: String) {
        #expect(WebhookTarget.isPrivate(address))
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])
    func publicAddressesAreAllowed(address: String) {
        #expect(!WebhookTarget.isPrivate(address))
    }

    @Test func aNameIsCheckedByWhatItResolvesTo() async throws {
        await #expect(throws: WebhookTarget.Refused.self) { try await WebhookTarget.check(host: "localhost", allowPrivate: false) }
        try await WebhookTarget.check(host: "localhost", allowPrivate: true)
        await #expect(throws: WebhookTarget.Refused.self) {
            try await WebhookTarget.check(host: "no-such-host.invalid", allowPrivate: true)
        }
    }
}
