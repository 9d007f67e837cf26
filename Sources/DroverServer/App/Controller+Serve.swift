import Logging
import ServiceLifecycle
import UnixSignals

extension Controller {
    /// `drover serve`: recovers queued runs, then serves until SIGTERM or
    /// SIGINT, which start the graceful shutdown (see `services`).
    public func serve(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        await recover()
        let group = ServiceGroup(configuration: .init(services: services(onRunning: onRunning).map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Log lines on standard error, one per event, with their metadata
/// (`request_id`…) as key=value pairs.
public enum ServerLogging {
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    public static func logger() -> Logger { Logger(label: "drover.server") }
}
