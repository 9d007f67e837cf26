/// The run's progress, as the engine reports it (the CLI prints it; the
/// store records it; a server streams it).
public protocol RunObserver: Sendable {
    func playStarted(_ play: Play, hosts: [String]) async
    /// `id` names the task across runs; `task` is nil for steps that are
    /// not playbook tasks (a rollback).
    func taskStarted(_ title: String, id: TaskID, task: Task?, hosts: Int, handler: Bool) async
    /// One per host per task (and per loop item).
    func hostReported(_ report: HostTaskReport) async
    /// Output as it arrives, before the task's result.
    func outputChunk(_ chunk: OutputChunk) async
    func message(_ text: String) async
    func runFinished(_ recap: RunRecap) async
}

extension RunObserver {
    /// Most observers only want whole results: live output is opt-in.
    public func outputChunk(_ chunk: OutputChunk) async {}
}
