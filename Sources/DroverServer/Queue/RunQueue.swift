import DroverCore
import DroverRuntime
import DroverStore
import Foundation
import Logging

/// The server's runs: at most `maxRuns` execute at once, the others wait
/// `queued` in launch order (recorded so, so a restart starts them again);
/// each template's `concurrency` policy applies on top. Finished handles
/// are kept for a while so event streams replay them exactly.
public actor RunQueue {
    struct Waiting {
        var runID: Int64
        var launch: PreparedLaunch
    }

    struct Active {
        var handle: RunHandle
        var template: String
        var hosts: Int
    }

    public let service: RunService
    public let maxRuns: Int
    let logger: Logger
    private var waiting: [Waiting] = []
    private var active: [Int64: Active] = [:]
    /// Taken off `waiting`, not yet `active` (its start is being awaited).
    private var starting: Set<Int64> = []
    /// Recently finished runs, newest last: their hubs still hold every event.
    private var recent: [(id: Int64, handle: RunHandle)] = []
    private let recentLimit = 64
    private var draining = false

    public init(service: RunService, maxRuns: Int, logger: Logger) {
        self.service = service
        self.maxRuns = max(1, maxRuns)
        self.logger = logger
    }

    /// Records the launch and starts it now or when its turn comes.
    /// Returns the run's id and status (`running` or `queued`).
    public func submit(_ launch: PreparedLaunch) async throws -> (id: Int64, status: RunStatus) {
        guard !draining else {
            throw APIError(.serviceUnavailable, .unavailable, "the server is shutting down: launch again when it is back")
        }
        if launch.template.concurrency == .refuse, let busy = busyRun(of: launch.template.name) {
            throw APIError(.conflict, .conflict,
                           "template `\(launch.template.name)` refuses a second run while run \(busy) is going: wait for it or cancel it")
        }
        let id = try await service.store.queueRun(launch.request.info, template: launch.template.name, parameters: launch.parameters,
                                                  hasSecrets: launch.hasSecrets)
        return (id, await enqueue(Waiting(runID: id, launch: launch)))
    }

    /// A run recorded `queued` by an earlier server, planned again.
    public func resume(runID: Int64, _ launch: PreparedLaunch) async {
        _ = await enqueue(Waiting(runID: runID, launch: launch))
    }

    private func enqueue(_ item: Waiting) async -> RunStatus {
        waiting.append(item)
        await pump()
        return active[item.runID] != nil ? .running : .queued
    }

    private func busyRun(of template: String) -> Int64? {
        active.first { $0.value.template == template }?.key ?? waiting.first { $0.launch.template.name == template }?.runID
    }

    /// Starts waiting runs while there is room, in order; a `queue`
    /// template's run waits for the template's running one.
    private func pump() async {
        while !draining && active.count < maxRuns {
            guard let index = waiting.firstIndex(where: { item in
                item.launch.template.concurrency == .parallel || !active.values.contains { $0.template == item.launch.template.name }
            }) else { return }
            let item = waiting.remove(at: index)
            // Still "waiting" for event streams until its handle exists:
            // a stream asking in between would fall back to the store.
            starting.insert(item.runID)
            await start(item)
            starting.remove(item.runID)
        }
    }

    private func start(_ item: Waiting) async {
        var request = item.launch.request
        request.info.queuedRunID = item.runID
        do {
            let handle = try await service.start(request)
            active[item.runID] = Active(handle: handle, template: item.launch.template.name, hosts: item.launch.hostCount)
            logger.info("run started", metadata: ["run": "\(item.runID)", "template": "\(item.launch.template.name)"])
            if let timeout = item.launch.template.timeout { watch(handle, timeout: timeout) }
            Swift.Task { [weak self] in
                let outcome = await handle.outcome
                await self?.ended(item.runID, outcome.status)
            }
        } catch {
            logger.error("run could not start", metadata: ["run": "\(item.runID)", "error": "\(error)"])
            _ = try? await service.store.endQueuedRun(item.runID, status: .failed)
        }
    }

    private nonisolated func watch(_ handle: RunHandle, timeout: Duration) {
        Swift.Task {
            try? await Swift.Task.sleep(for: timeout)
            handle.cancel()
        }
    }

    private func ended(_ id: Int64, _ status: RunStatus) async {
        guard let finished = active.removeValue(forKey: id) else { return }
        logger.info("run ended", metadata: ["run": "\(id)", "status": "\(status.rawValue)"])
        recent.append((id, finished.handle))
        if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
        await pump()
    }

    /// Cancels a running or queued run; false when it is not this server's
    /// (or already over).
    public func cancel(_ id: Int64) async throws -> Bool {
        if let running = active[id] {
            running.handle.cancel()
            return true
        }
        if let index = waiting.firstIndex(where: { $0.runID == id }) {
            waiting.remove(at: index)
            return try await service.store.endQueuedRun(id, status: .cancelled)
        }
        return false
    }

    /// The live handle of a run of this server (running or recently ended).
    public func handle(_ id: Int64) -> RunHandle? {
        active[id]?.handle ?? recent.last { $0.id == id }?.handle
    }

    public func isWaiting(_ id: Int64) -> Bool { starting.contains(id) || waiting.contains { $0.runID == id } }

    public var isDraining: Bool { draining }

    public struct Load: Sendable {
        public var running: Int
        public var queued: Int
        public var runningHosts: Int
    }

    public var load: Load {
        Load(running: active.count, queued: waiting.count, runningHosts: active.values.reduce(0) { $0 + $1.hosts })
    }

    /// Shutting down: nothing new starts (queued runs stay queued in the
    /// store for the next server); running runs get `grace` to finish,
    /// then are cancelled (and so recorded cancelled).
    public func drain(grace: Duration) async {
        draining = true
        guard !active.isEmpty else { return }
        logger.info("waiting for running runs", metadata: ["runs": "\(active.count)", "grace": "\(grace)"])
        // Polled: runs end on their own tasks, and a tenth of a second
        // is nothing next to a grace period.
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while !active.isEmpty && clock.now < deadline && !Swift.Task.isCancelled { try? await Swift.Task.sleep(for: .milliseconds(100)) }
        guard !active.isEmpty else { return }
        logger.warning("grace period over: cancelling runs", metadata: ["runs": "\(active.count)"])
        let handles = active.values.map(\.handle)
        for handle in handles { handle.cancel() }
        for handle in handles { _ = await handle.outcome }
    }
}
