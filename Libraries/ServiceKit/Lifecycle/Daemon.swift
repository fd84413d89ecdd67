import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The entry point every executable calls: it sets up JSON logging and metrics, reads the
/// configuration (a bad value stops the daemon with one clear line and exit code 78,
/// EX_CONFIG), exports spans when an OTLP endpoint is set (`SpanExport`), builds the
/// application and runs it until SIGTERM/SIGINT, when it stops accepting, finishes in-flight
/// work and returns so the process exits 0.
public enum Daemon {
    public static func run<App: ApplicationProtocol>(
        service: String,
        environment: EnvironmentReader = EnvironmentReader(),
        build: (EnvironmentReader, Logger) async throws -> App
    ) async {
        let level: Logger.Level
        do {
            level = try environment.logLevel()
        } catch {
            exitWithConfigError(service: service, error)
        }
        LoggingSystem.bootstrap { _ in JSONLogHandler(service: service, level: level) }
        _ = MetricsRegistry.bootstrap()
        var logger = Logger(label: service)
        logger.logLevel = level

        let spans: (any Service)?
        do {
            spans = try SpanExport.bootstrap(service: service, environment: environment)
        } catch {
            exitWithConfigError(service: service, error)
        }

        let app: App
        do {
            app = try await build(environment, logger)
        } catch let error as ConfigError {
            exitWithConfigError(service: service, error)
        } catch {
            logger.critical("start-up failed", metadata: ["error": "\(error)"])
            exit(1)
        }
        do {
            if let spans {
                // Shut down in reverse: the server drains first, then the last spans are sent.
                let group = ServiceGroup(configuration: .init(
                    services: [.init(service: spans), .init(service: app)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            } else {
                try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            }
            logger.info("stopped")
        } catch {
            logger.critical("stopped with an error", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    static func exitWithConfigError(service: String, _ error: some Error) -> Never {
        FileHandle.standardError.write(Data("\(service): configuration error: \(error)\n".utf8))
        exit(78)
    }
}
