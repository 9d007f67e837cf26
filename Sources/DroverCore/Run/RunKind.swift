/// What a run does. The raw values are what the store writes in `runs.kind`.
public enum RunKind: String, Sendable, Codable, CaseIterable {
    /// A playbook run.
    case run
    /// The undoing of an earlier run (`drover rollback`).
    case rollback
}
