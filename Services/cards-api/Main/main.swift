import CardsAPIService
import ServiceKit

await Daemon.run(service: "cards-api") { env, logger in
    try await buildCardsAPI(config: CardsAPIConfig(env), logger: logger)
}
