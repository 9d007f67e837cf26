/// `--start-at-task NAME`, as ansible-playbook matches it: the task's
/// name or its title (`ROLE : NAME`), exactly or as a shell glob.
public enum StartAtTask {
    public static func matches(_ pattern: String, name: String?, title: String) -> Bool {
        if let name, name == pattern || FnMatch.matches(name, pattern) { return true }
        return title == pattern || FnMatch.matches(title, pattern)
    }
}

extension Playbook {
    /// Refuses a `--start-at-task` that names no task the run can reach,
    /// before any host is contacted: ansible-playbook stops with "No
    /// matching task", while a run that silently skips every task would
    /// pass for a success. Tasks of dynamic includes are not looked at,
    /// as in Ansible (only static imports can be started at).
    public func checkStartAtTask(_ pattern: String) throws(InputError) {
        let titles = plays.flatMap { $0.startableTasks() }
        guard !titles.contains(where: { StartAtTask.matches(pattern, name: $0.name, title: $0.title) }) else { return }
        let closest = Self.closestTitles(to: pattern, among: titles.map(\.title))
        let hint = closest.isEmpty
            ? (titles.isEmpty ? "; the playbook has no tasks" : "; `drover run --list-tasks` lists the task names")
            : "; did you mean " + closest.map { "`\($0)`" }.joined(separator: " or ") + "?"
        throw InputError(.badArgument, "--start-at-task `\(pattern)` matches no task of \(path)" + hint)
    }

    /// Up to three titles nearest to `pattern`: typos (edit distance) and
    /// a pattern that is part of a longer name (`ROLE : NAME`) both count.
    static func closestTitles(to pattern: String, among titles: [String]) -> [String] {
        var seen = Set<String>()
        let unique = titles.filter { seen.insert($0).inserted }
        let lowered = pattern.lowercased()
        let scored = unique.map { title -> (String, Int) in
            let lower = title.lowercased()
            let bareName = lower.components(separatedBy: " : ").last ?? lower
            let distance = min(editDistance(lower, lowered), editDistance(bareName, lowered))
            return (title, lower.contains(lowered) ? 0 : distance)
        }
        let limit = max(2, pattern.count / 3)
        return scored.filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }
}

extension Play {
    /// The tasks a run walks through while looking for the start: every
    /// section's tasks and blocks with their `always` (which runs without
    /// a failure), not `rescue` or handlers, which need one.
    func startableTasks() -> [(name: String?, title: String)] {
        var result: [(name: String?, title: String)] = []
        func walk(_ nodes: [TaskNode], role: String?) {
            for node in nodes {
                switch node {
                case .task(let task), .include(let task):
                    result.append((task.name, (role.map { "\($0) : " } ?? "") + task.displayName))
                case .block(let block):
                    walk(block.tasks, role: role)
                    walk(block.always, role: role)
                }
            }
        }
        func walkRole(_ reference: RoleReference) {
            for dependency in reference.role.dependencies { walkRole(dependency) }
            walk(reference.role.tasks, role: reference.name)
        }
        walk(preTasks, role: nil)
        roles.forEach(walkRole)
        walk(tasks, role: nil)
        walk(postTasks, role: nil)
        return result
    }
}
