import DroverCore

/// What a run does: play a playbook (`drover run`, `drover exec`), or undo
/// a recorded run (`drover rollback`). Either way it is recorded, leases its
/// hosts, publishes events and can be cancelled the same way.
public enum RunWork: Sendable {
    case playbook(Playbook)
    case rollback(RollbackWork)
}

/// The undoing of a recorded run: its hosts' journals, replayed newest first.
public struct RollbackWork: Sendable {
    /// The run being undone.
    public var undoing: Int64
    public var journals: [String: [UndoRecord]]
    /// Roll back files even when they changed since the run.
    public var force: Bool
    /// Every host of the run is in `journals` (no --limit): when all of them
    /// are undone, the run is marked rolled back.
    public var wholeRun: Bool

    public init(undoing: Int64, journals: [String: [UndoRecord]], force: Bool, wholeRun: Bool) {
        self.undoing = undoing
        self.journals = journals
        self.force = force
        self.wholeRun = wholeRun
    }
}
