extension Playbook {
    /// Warnings for a playbook that would do nothing: no plays at all, or
    /// plays without a task (a run of them would still pass for a success,
    /// which usually hides a wrong file or a mis-indented `tasks:`).
    public func emptinessWarnings() -> [String] {
        guard !plays.isEmpty else { return ["\(path) has no plays: nothing to do"] }
        return plays.enumerated().compactMap { index, play in
            guard play.outline().isEmpty, play.handlers.isEmpty else { return nil }
            return "\(play.location): play #\(index + 1) (\(play.hosts)) has no tasks"
        }
    }
}
