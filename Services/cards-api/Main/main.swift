import CardsAPIService
import Foundation
import ServiceKit

let arguments = Array(CommandLine.arguments.dropFirst())
if AdminCommand.matches(arguments) {
    exit(await AdminCommand.run(arguments))
}
await Daemon.run(service: "cards-api") { env, logger in
    try await buildCardsAPI(config: CardsAPIConfig(env), logger: logger)
}
