import Logging
import Queue
import RedisClient

/// Listens on the queue's cancel channel and stops the named jobs this worker runs, within
/// a round trip of the cancel. After its subscriber reconnects (messages may have been
/// missed meanwhile) it asks Redis which running jobs were flagged, and stops those too.
struct CancelListener: Sendable {
    let queue: JobQueue
    let redis: RedisClient
    let inFlight: InFlightJobs
    let logger: Logger

    func run() async {
        let subscriber = redis.makeSubscriber()
        await withTaskCancellationHandler {
            do {
                try await subscriber.subscribe([queue.cancelChannel])
            } catch {
                logger.warning("could not subscribe to job cancellations", metadata: ["error": "\(error)"])
            }
            for await event in subscriber.events {
                switch event {
                case .message(_, let payload):
                    let id = String(decoding: payload, as: UTF8.self)
                    if inFlight.stop(id) { logger.info("stopping a cancelled job", metadata: ["job_id": "\(id)"]) }
                case .reconnected:
                    await resynchronise()
                case .pmessage:
                    continue
                }
            }
        } onCancel: {
            Task { await subscriber.close() }
        }
        await subscriber.close()
    }

    private func resynchronise() async {
        do {
            for id in try await queue.cancelRequested(inFlight.ids) { inFlight.stop(id) }
        } catch {
            logger.warning("could not check running jobs for cancellations", metadata: ["error": "\(error)"])
        }
    }
}
