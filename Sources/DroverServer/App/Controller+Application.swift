import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

extension Controller {
    /// The router with every route; each handler authorizes its one action.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: RequestMiddleware(metrics: metrics))
        router.add(middleware: UndeclaredQueryMiddleware())
        router.add(middleware: FormBodyMiddleware())
        addSystemRoutes(to: router)
        addSessionRoutes(to: router)
        addUserRoutes(to: router)
        addTokenRoutes(to: router)
        addTemplateRoutes(to: router)
        addRunRoutes(to: router)
        addHostRoutes(to: router)
        addAuditRoutes(to: router)
        addRelaunchRoute(to: router)
        addRollbackRoute(to: router)
        addRunEventRoutes(to: router)
        addResultRoutes(to: router)
        return router
    }

    /// The HTTP application (HTTPS with `tls`); `onRunning` gets the bound
    /// port (0 asks for any).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(), server: server(), configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// HTTP/1.1, inside TLS when the server has its files. `tls` was
    /// checked by `open` (a context was built from it), so this cannot fail.
    private func server() -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        do {
            return try .tls(.http1(), tlsConfiguration: tls)
        } catch {
            preconditionFailure("TLS configuration checked at open failed now: \(error)")
        }
    }

    /// The services `drover serve` runs in one group. Graceful shutdown
    /// runs them down in reverse: first the queue (no new launches, running
    /// runs get the grace period, then are cancelled), then the listener.
    public func services(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> [any Service] {
        [application(onRunning: onRunning), ReloadOnHangup(controller: self), RunDrain(queue: queue, grace: settings.shutdownGrace)]
    }
}

/// Waits for the group's graceful shutdown, then drains the run queue.
struct RunDrain: Service {
    let queue: RunQueue
    let grace: Duration

    func run() async throws {
        try? await gracefulShutdown()
        await queue.drain(grace: grace)
    }
}

/// SIGHUP re-reads drover.yml, as `POST /api/v1/reload` does.
struct ReloadOnHangup: Service {
    let controller: Controller

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            _ = try? await controller.reload(by: Caller(name: "SIGHUP", kind: .anonymous), source: "signal")
        }
    }
}
