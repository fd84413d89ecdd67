import AsyncHTTPClient
import Crypto
import Foundation
import JSONCore
import Logging
import NIOCore
import Queue
import RunJobs
import ServiceKit
import Storage

/// `webhook.deliver`: POSTs the job's JSON body to its URL, signed with the owner's webhook
/// secret. A 2xx ends it. The receiver's "not now" (408, 429 with `Retry-After`, 5xx, no
/// connection, no answer within `timeout`) is retried with the job's backoff; its "never"
/// (another 4xx, 410 Gone included) and a URL that may not be called end it as dead.
struct WebhookDeliveryHandler: JobHandler {
    let secrets: WebhookSecretRepository
    /// Deliver to loopback and private addresses too (`WEBHOOK_ALLOW_PRIVATE=1`).
    let allowPrivate: Bool
    /// The longest one delivery may take, connection to last byte.
    let timeout: Duration
    var http: HTTPClient = ServiceHTTPClient.outbound

    private struct Delivered: Encodable {
        let status: Int
    }

    func perform(_ job: JobEnvelope, isLastAttempt: Bool, logger: Logger) async throws -> String {
        let delivery = try job.decodePayload(as: WebhookDeliveryJob.self)
        if let reason = WebhookURL.problem(delivery.url) { throw JobFailure.unrecoverable("url: \(reason)") }
        guard let owner = job.owner.flatMap(UUID.init(uuidString:)) else {
            throw JobFailure.unrecoverable("a webhook.deliver job needs an owner: its body is signed with the owner's webhook secret")
        }
        guard let secret = try await secrets.secret(of: owner) else {
            throw JobFailure.unrecoverable("owner \(owner.uuidString.lowercased()) is not a user")
        }
        let host = URLComponents(string: delivery.url)?.host ?? ""
        do {
            try await WebhookTarget.check(host: host, allowPrivate: allowPrivate)
        } catch let refused as WebhookTarget.Refused {
            throw JobFailure.unrecoverable(refused.description)
        }
        let body = Data(delivery.body.jsonText.utf8)
        let timestamp = String(Int(Date().timeIntervalSince1970))
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "prompt-card-system-webhooks/1")
        request.headers.add(name: "X-PCS-Event", value: delivery.event)
        request.headers.add(name: "X-PCS-Delivery", value: job.id)
        request.headers.add(name: "X-PCS-Attempt", value: String(job.attempt))
        request.headers.add(name: "X-PCS-Timestamp", value: timestamp)
        request.headers.add(name: "X-PCS-Signature", value: Self.signature(of: body, at: timestamp, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout.timeAmount)
            // Read (at most 64 KiB) so the connection can be reused; what it says is not kept.
            _ = try? await response.body.collect(upTo: 64 << 10)
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw WebhookFailed("the receiver could not be reached or did not answer within \(timeout): \(error)")
        }
        let status = Int(response.status.code)
        logger.info("webhook delivered", metadata: ["status": "\(status)", "event": "\(delivery.event)", "host": "\(host)"])
        switch status {
        case 200..<300:
            return try JobResult.json(Delivered(status: status))
        case 429, 503:
            let reason = "the receiver answered \(status)"
            if let wait = RetryAfter.parse(response.headers.first(name: "retry-after")) {
                throw JobFailure.retryLater(reason, after: wait)
            }
            throw WebhookFailed(reason)
        case 408, 500...:
            throw WebhookFailed("the receiver answered \(status)")
        default:
            throw JobFailure.unrecoverable("the receiver answered \(status): it refuses this delivery")
        }
    }

    /// `sha256=` and the hex HMAC-SHA256, keyed with the secret, of `<timestamp>.<body>`:
    /// the timestamp is signed too, so a receiver can refuse old (replayed) deliveries.
    static func signature(of body: Data, at timestamp: String, secret: String) -> String {
        var signed = Data((timestamp + ".").utf8)
        signed.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }
}

/// A delivery that may succeed later: retried after the backoff.
struct WebhookFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
