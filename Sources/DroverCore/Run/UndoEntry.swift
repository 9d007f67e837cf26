/// How to put back one thing a task changed (the store keeps these; a
/// rollback replays them).
public enum UndoEntry: Sendable, Equatable {
    /// A file was written: its previous state, its content when it existed,
    /// and the SHA-256 of what was written (to notice later changes).
    case file(path: String, previous: PathState, content: [UInt8]?, after: String? = nil)
    /// A directory was created where there was none.
    case createdDirectory(path: String)
    /// A path was removed: its previous state and content (files only).
    case removed(path: String, previous: PathState, content: [UInt8]?)
    /// A link was made or changed.
    case link(path: String, previous: PathState)
    /// Mode or owner changed.
    case attributes(path: String, previous: PathState)
    /// A command with no `undo:`: cannot be reversed.
    case irreversible(description: String)
    /// A command whose task gave `undo:`: rollback runs this command.
    case undoCommand(String)
    /// A `no_log` task changed something; what and where are its arguments,
    /// so they are not kept (see `HostTaskReport.censored`).
    case censored
}
