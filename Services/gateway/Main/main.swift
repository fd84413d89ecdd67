import GatewayService
import ServiceKit

await Daemon.run(service: "gateway") { env, logger in
    try await buildGateway(config: GatewayConfig(env), logger: logger)
}
