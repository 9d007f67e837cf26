import DroverCore
import DroverEngine
import Foundation

/// The last link of a run's observer chain: hands each call to the
/// request's own observers in order, then publishes it as a `RunEvent` for
/// subscribers (who never slow the run: see `EventHub`).
actor EventPublisher: RunObserver {
    let hub: EventHub<RunEvent>
    let observers: [any RunObserver]
    private var playIndex = 0

    init(hub: EventHub<RunEvent>, observers: [any RunObserver]) {
        self.hub = hub
        self.observers = observers
    }

    func playStarted(_ play: Play, hosts: [String]) async {
        playIndex += 1
        for observer in observers { await observer.playStarted(play, hosts: hosts) }
        hub.publish(.playStarted(index: playIndex, name: play.name ?? play.hosts, hosts: hosts))
    }

    func taskStarted(_ title: String, id: TaskID, task: DroverCore.Task?, hosts: Int, handler: Bool) async {
        for observer in observers { await observer.taskStarted(title, id: id, task: task, hosts: hosts, handler: handler) }
        hub.publish(.taskStarted(id: id, title: title, module: task?.module ?? "", location: task?.location, hosts: hosts, handler: handler))
    }

    func hostReported(_ report: HostTaskReport) async {
        for observer in observers { await observer.hostReported(report) }
        hub.publish(.hostResult(report))
    }

    func outputChunk(_ chunk: OutputChunk) async {
        for observer in observers { await observer.outputChunk(chunk) }
        hub.publish(.output(chunk))
    }

    func message(_ text: String) async {
        for observer in observers { await observer.message(text) }
        hub.publish(.message(text))
    }

    func runFinished(_ recap: RunRecap) async {
        for observer in observers { await observer.runFinished(recap) }
        hub.publish(.recap(recap))
    }

    /// An event for subscribers only (the request's observers hear of it
    /// from the outcome).
    func publishOnly(_ event: RunEvent) {
        hub.publish(event)
    }

    /// The run's last event; subscribers' streams end after it.
    func finish(status: RunStatus, recap: RunRecap?, duration: Duration) {
        hub.publish(.runFinished(status: status, recap: recap, duration: duration))
        hub.finish()
    }
}
