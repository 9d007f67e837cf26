import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// The one place runs start: the CLI and the server are thin adapters over
/// it. A run is recorded, takes its hosts' leases, runs in a task of its
/// own, publishes its events, and ends with a status whatever happens.
/// One service (and so one store) per process.
public final class RunService: Sendable {
    public let store: Store
    /// How long a lease lives without a heartbeat; renewed at a third of it.
    let leaseTTL: Duration

    /// The TTL as the store takes it.
    var leaseSeconds: TimeInterval { TimeInterval(leaseTTL.components.seconds) }

    public init(store: Store, leaseTTL: Duration = .seconds(60)) {
        self.store = store
        self.leaseTTL = leaseTTL
    }

    /// Records the run and starts it. Throws only when the run cannot even
    /// be recorded; everything later ends in the handle's outcome.
    public func start(_ request: RunRequest) async throws -> RunHandle {
        let hub = EventHub<RunEvent>()
        let publisher = EventPublisher(hub: hub, observers: request.observers)
        let recorder = try await RunRecorder.start(store: store, info: request.info, forwardingTo: publisher)
        hub.publish(.runStarted(runID: recorder.runID))
        let cancellation = request.options.cancellation
        let execution = RunExecution(request: request, recorder: recorder, publisher: publisher, service: self)
        let task = Swift.Task { await execution.run() }
        return RunHandle(id: recorder.runID, hub: hub, cancellation: cancellation, task: task)
    }
}
