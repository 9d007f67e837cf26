import DroverCore
import Foundation

/// How one host ended one task, for display and recording.
public struct HostTaskReport: Sendable {
    public enum Status: String, Sendable { case ok, changed, failed, skipped, unreachable, cancelled }
    public var host: String
    /// `delegate_to` target, when the task ran elsewhere.
    public var delegatedTo: String?
    public var status: Status
    public var ignored = false
    /// Failed inside a block whose `rescue` handles the failure.
    public var rescued = false
    /// The loop item's label, for per-item lines.
    public var item: String?
    public var result: Value
    public var diffs: [FileDiff] = []
    public var noLog = false
    public var duration: Duration = .zero
    /// A debug task's output is shown even when ok.
    public var showResult = false
    /// The task's module (canonical name).
    public var module = ""
    /// The task's title as shown (`role : name`), and where it is written.
    public var task = ""
    public var location: SourceLocation?
    /// What the task changed, for the undo journal.
    public var undo: [UndoEntry] = []
    /// Logs the task collected.
    public var collected: [CollectedLog] = []
    public var started: Date?
    /// Network round trips the task took on this host (agent requests, agent start).
    public var roundTrips = 0
}

/// The run's progress, as the engine reports it (the CLI prints it; the
/// store records it).
public protocol RunObserver: Sendable {
    func playStarted(_ play: Play, hosts: [String]) async
    func taskStarted(_ title: String, task: Task?, hosts: Int, handler: Bool) async
    /// One per host per task (and per loop item).
    func hostReported(_ report: HostTaskReport) async
    func message(_ text: String) async
    func runFinished(_ recap: RunRecap) async
}

/// Ansible's PLAY RECAP counts for one host.
public struct HostStats: Sendable, Equatable, Codable {
    public var ok = 0, changed = 0, unreachable = 0, failed = 0, skipped = 0, rescued = 0, ignored = 0, cancelled = 0
    public init() {}
}

public struct RunRecap: Sendable {
    public var hosts: [(name: String, stats: HostStats)]
    public var duration: Duration

    /// ansible-playbook's exit status: 2 when a host failed, 4 when one was
    /// unreachable (and none failed), else 0.
    public var exitCode: Int32 {
        if hosts.contains(where: { $0.stats.failed > 0 }) { return 2 }
        if hosts.contains(where: { $0.stats.unreachable > 0 }) { return 4 }
        return 0
    }
}
