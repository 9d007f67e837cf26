import Foundation

/// How one host ended one task (or one loop item), for display and recording.
public struct HostTaskReport: Sendable {
    public var host: String
    /// Which task of the playbook this is (titles repeat; ids do not).
    public var taskID: TaskID
    /// `delegate_to` target, when the task ran elsewhere.
    public var delegatedTo: String?
    public var status: TaskStatus
    public var ignored = false
    /// Failed inside a block whose `rescue` handles the failure.
    public var rescued = false
    /// The loop item's label, for per-item lines.
    public var item: String?
    /// Which of the host's loop items this is.
    public var loop: LoopPosition?
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

    public init(host: String, taskID: TaskID = .unplaced, delegatedTo: String? = nil, status: TaskStatus,
                ignored: Bool = false, rescued: Bool = false, item: String? = nil, result: Value) {
        self.host = host
        self.taskID = taskID
        self.delegatedTo = delegatedTo
        self.status = status
        self.ignored = ignored
        self.rescued = rescued
        self.item = item
        self.result = result
    }
}
