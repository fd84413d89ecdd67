import RealtimeService
import ServiceKit

await Daemon.run(service: "realtime") { env, logger in
    try await buildRealtime(config: RealtimeConfig(env), logger: logger)
}
