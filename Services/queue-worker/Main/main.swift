import QueueWorkerService
import ServiceKit

await Daemon.run(service: "queue-worker") { env, logger in
    try await buildQueueWorker(config: QueueWorkerConfig(env), logger: logger)
}
