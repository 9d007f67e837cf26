import DroverCore
import DroverEngine
import DroverRuntime
import DroverStore
import Foundation
import Logging
import NIOSSL

/// Everything a request handler needs, one per server: the config in
/// force, the run queue over the process's one RunService and Store, the
/// gatekeeper, the launch planner, the metrics.
public final class Controller: Sendable {
    public let settings: ServerSettings
    public let config: ConfigHolder
    public let store: Store
    public let queue: RunQueue
    public let gatekeeper: Gatekeeper
    public let planner: LaunchPlanner
    public let metrics: ServerMetrics
    public let logger: Logger
    /// The checked TLS files (`settings.tls`), nil for plain HTTP.
    public let tls: TLSConfiguration?

    /// `clock` is what sessions, tokens and login throttling take as now
    /// (tests move it; runs and the audit log keep the real time).
    public init(settings: ServerSettings, config: ConfigHolder, store: Store, planner: LaunchPlanner, logger: Logger,
                tls: TLSConfiguration? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.tls = tls
        self.config = config
        self.store = store
        self.queue = RunQueue(service: RunService(store: store), maxRuns: settings.maxRuns, logger: logger)
        self.gatekeeper = Gatekeeper(settings: settings, store: store, config: config, clock: clock)
        self.planner = planner
        self.metrics = ServerMetrics()
        self.logger = logger
    }

    /// Opens the store and the config, with SSH as the CLI reaches hosts.
    public static func open(_ settings: ServerSettings, logger: Logger,
                            connector: (@Sendable () -> any HostConnector)? = nil, script: AgentScript? = nil,
                            clock: @escaping @Sendable () -> Date = { Date() }) async throws -> Controller {
        // TLS files first: a bad one is a mistake the operator fixes before anything opens.
        var tls: TLSConfiguration?
        if let files = settings.tls { tls = try ServerTLS.configuration(files) }
        let config: ConfigHolder
        do {
            config = try await ConfigHolder.load(directory: settings.project)
        } catch let error as InputError {
            throw ServerSetupError("drover.yml: \(error.description)")
        }
        do {
            let store = try await Store.open(home: settings.storeHome)
            // A connector of its own for each run (see LaunchPlanner.makeConnector).
            var planner = LaunchPlanner(connector: connector?() ?? SSHConnector(options: ConnectionSettings()),
                                        script: try script ?? AgentScript.locate())
            planner.controllerAccess = settings.controllerAccess
            return Controller(settings: settings, config: config, store: store, planner: planner, logger: logger, tls: tls,
                              clock: clock)
        } catch let error as StoreError {
            throw ServerSetupError(error.message)
        } catch let error as AgentError {
            throw ServerSetupError(error.message)
        }
    }

    /// Before serving: runs a dead controller left `running` become
    /// `interrupted`, and runs left `queued` start again, in order. A
    /// queued launch that cannot be planned again (its template is gone,
    /// or it had secret answers, which were never stored) ends `failed`.
    public func recover() async {
        do {
            let interrupted = try await store.markInterruptedRuns()
            if interrupted > 0 { logger.notice("runs left running by a dead controller marked interrupted", metadata: ["runs": "\(interrupted)"]) }
            for queued in try await store.queuedLaunches() {
                await requeue(queued)
            }
        } catch {
            logger.error("could not recover queued runs", metadata: ["error": "\(error)"])
        }
    }

    private func requeue(_ queued: QueuedLaunch) async {
        let reason: String
        if queued.hasSecrets {
            reason = "its secret survey answers are not kept across a restart"
        } else if let template = config.template(queued.template) {
            do {
                guard case .dict(let object) = try Value.parseJSON(queued.parameters) else { throw ServerSetupError("not an object") }
                let user = object["user"]?.stringValue ?? "unknown"
                if case .int(let undone)? = object["rollback_of"] {
                    // A queued rollback: the journals are read again, as they are now.
                    let original = try await store.run(Int64(undone))
                    await queue.resume(runID: queued.runID, try await planner.planRollback(
                        template, undoing: original, journals: try await store.undoJournals(original.id),
                        limit: object["limit"]?.stringValue, check: object["check"] == .bool(true), user: user))
                } else {
                    await queue.resume(runID: queued.runID, try await planner.plan(template, try LaunchRequest(json: object), user: user))
                }
                logger.info("queued run resumed", metadata: ["run": "\(queued.runID)"])
                return
            } catch {
                reason = "it no longer fits its template: \(error)"
            }
        } else {
            reason = "its template `\(queued.template)` is gone"
        }
        logger.warning("queued run cannot start again", metadata: ["run": "\(queued.runID)", "reason": "\(reason)"])
        _ = try? await store.endQueuedRun(queued.runID, status: .failed)
    }
}
