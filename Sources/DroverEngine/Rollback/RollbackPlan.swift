import DroverCore
/// What rolling back one undo entry does on the host.
public enum RollbackAction: Sendable, Equatable {
    /// Put the previous content back (with its mode and owner), if the file
    /// still holds what the run wrote (`expected` SHA-256).
    case restoreFile(path: String, previous: PathState, content: [UInt8], expected: String?)
    /// The file did not exist before the run: remove it, if unchanged since.
    case removeFile(path: String, expected: String?)
    /// A directory the run created: removed when empty.
    case removeDirectory(path: String)
    /// A file the run removed: written back.
    case recreateFile(path: String, previous: PathState, content: [UInt8])
    /// A directory the run removed: made again (its former contents are not kept).
    case recreateDirectory(path: String, previous: PathState)
    /// A link the run made or changed: back to its previous target, or removed.
    case restoreLink(path: String, previous: PathState)
    /// Mode and owner as they were.
    case restoreAttributes(path: String, previous: PathState)
    /// Cannot be undone (a command without `undo:`, content not recorded).
    case irreversible(what: String, reason: String)
    /// The task's own `undo:` command.
    case runCommand(String)

    /// The path the action works on.
    public var path: String? {
        switch self {
        case .restoreFile(let path, _, _, _), .removeFile(let path, _), .removeDirectory(let path),
             .recreateFile(let path, _, _), .recreateDirectory(let path, _), .restoreLink(let path, _),
             .restoreAttributes(let path, _):
            return path
        case .irreversible, .runCommand: return nil
        }
    }

    public var summary: String {
        switch self {
        case .restoreFile(let path, _, _, _): return "restore \(path)"
        case .removeFile(let path, _): return "remove \(path) (created by the run)"
        case .removeDirectory(let path): return "remove directory \(path) (created by the run)"
        case .recreateFile(let path, _, _): return "recreate \(path)"
        case .recreateDirectory(let path, _): return "recreate directory \(path) (empty)"
        case .restoreLink(let path, let previous): return previous.exists ? "relink \(path) -> \(previous.target ?? "?")" : "remove link \(path)"
        case .restoreAttributes(let path, _): return "restore mode and owner of \(path)"
        case .irreversible(let what, _): return "cannot undo: \(what)"
        case .runCommand(let command): return "run undo: \(command)"
        }
    }
}

/// Rollback order and actions, as a pure function of a host's journal:
/// the entries are undone newest first, each by the action that puts back
/// what it recorded.
public enum RollbackPlan {
    public static func actions(for records: [UndoRecord]) -> [RollbackAction] {
        records.sorted { $0.sequence > $1.sequence }.map { action(for: $0) }
    }

    static func action(for record: UndoRecord) -> RollbackAction {
        switch record.entry {
        case .file(let path, let previous, let content, let after):
            if !previous.exists { return .removeFile(path: path, expected: after) }
            guard previous.isFile else {
                return .irreversible(what: "\(path) (\(record.task))", reason: "it was a \(previous.kind?.rawValue ?? "special file") before the run")
            }
            guard let content else {
                return .irreversible(what: "\(path) (\(record.task))", reason: "its previous content was not recorded (no_log)")
            }
            return .restoreFile(path: path, previous: previous, content: content, expected: after)
        case .createdDirectory(let path):
            return .removeDirectory(path: path)
        case .removed(let path, let previous, let content):
            if previous.isDirectory { return .recreateDirectory(path: path, previous: previous) }
            if previous.isLink { return .restoreLink(path: path, previous: previous) }
            guard let content else {
                return .irreversible(what: "\(path) (\(record.task))", reason: "its content was not recorded")
            }
            return .recreateFile(path: path, previous: previous, content: content)
        case .link(let path, let previous):
            if previous.exists && !previous.isLink {
                return .irreversible(what: "\(path) (\(record.task))", reason: "a \(previous.kind?.rawValue ?? "file") was replaced by a link and its content was not recorded")
            }
            return .restoreLink(path: path, previous: previous)
        case .attributes(let path, let previous):
            return .restoreAttributes(path: path, previous: previous)
        case .irreversible(let description):
            return .irreversible(what: "\(description) (\(record.task))", reason: "the task has no undo:")
        case .undoCommand(let command):
            return .runCommand(command)
        case .censored:
            return .irreversible(what: "a change made by \(record.task)", reason: "the task is no_log, so what it changed was not recorded")
        }
    }
}
