import Events
import Foundation
import JSONCore
import Logging
import Queue
import Storage

/// Announces the end of runs that have a webhook: for each `run.completed`, `run.failed` or
/// `run.cancelled` the outbox relay publishes, it enqueues one `webhook.deliver` job whose
/// body is the event. The relay calls it before it deletes the batch from the outbox, and
/// the job's id (`webhook:<run id>:<event>`) deduplicates, so a run's end is delivered once
/// however often its event is relayed (by this replica, or one that took over).
public struct RunWebhooks: Sendable {
    let runs: RunStore
    let queue: JobQueue

    public init(runs: RunStore, queue: JobQueue) {
        self.runs = runs
        self.queue = queue
    }

    static let finalTypes: Set<String> = [EventType.runCompleted.rawValue, EventType.runFailed.rawValue,
                                          EventType.runCancelled.rawValue]

    /// Enqueues the deliveries of the final run events among `events`.
    public func enqueueDeliveries(for events: [OutboxEvent]) async throws {
        let finals = events.filter { Self.finalTypes.contains($0.type) }
        let byRun = Dictionary(finals.compactMap { event in Self.runID(of: event).map { ($0, event) } },
                               uniquingKeysWith: { first, _ in first })
        guard !byRun.isEmpty else { return }
        var jobs: [JobEnvelope] = []
        for target in try await runs.webhooks(of: Array(byRun.keys)) {
            guard let event = byRun[target.runID] else { continue }
            let id = "webhook:\(target.runID.uuidString.lowercased()):\(event.type)"
            let body: JSONValue = .object([
                "id": .string(id), "type": .string(event.type), "at": .string(event.at), "data": event.data,
            ])
            jobs.append(try WebhookDeliveryJob(url: target.url, event: event.type, body: body)
                .envelope(id: id, owner: target.ownerID, traceparent: event.traceparent))
        }
        guard !jobs.isEmpty else { return }
        try await queue.enqueue(jobs)
    }

    /// `run:<uuid>` → the uuid.
    static func runID(of event: OutboxEvent) -> UUID? {
        guard event.channel.hasPrefix("run:") else { return nil }
        return UUID(uuidString: String(event.channel.dropFirst(4)))
    }
}
