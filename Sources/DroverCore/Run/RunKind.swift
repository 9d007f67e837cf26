/// What a run does. The raw values are what the store writes in `runs.kind`.
public enum RunKind: String, Sendable, Codable, CaseIterable {
    /// A playbook run.
    case run
    /// The undoing of an earlier run (`drover rollback`).
    case rollback
    /// One command on hosts (`drover exec`), run and recorded as a
    /// one-task playbook, so that every command sent has an audit trail.
    case exec
}
