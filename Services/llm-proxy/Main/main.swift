import LLMProxyService
import ServiceKit

await Daemon.run(service: "llm-proxy") { env, logger in
    try await buildLLMProxy(config: LLMProxyConfig(env), logger: logger)
}
