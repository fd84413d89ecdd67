import HealthService
import ServiceKit

await Daemon.run(service: "healthd") { env, logger in
    try await buildHealthd(config: HealthConfig(env), logger: logger)
}
