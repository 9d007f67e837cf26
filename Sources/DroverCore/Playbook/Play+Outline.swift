/// A play's tasks in run order, flattened for listings (`--list-tasks`,
/// `--list-tags`): pre_tasks, roles (dependencies first), tasks, post_tasks.
/// Like ansible-playbook's listings, rescue and always sections and
/// handlers are not listed.
public struct OutlinedTask: Sendable, Equatable {
    /// As ansible-playbook shows it: `ROLE : NAME` inside roles.
    public var title: String
    /// The task's own tags plus those of its play, roles and blocks.
    public var tags: [String]
    public var location: SourceLocation
}

extension Play {
    public func outline() -> [OutlinedTask] {
        var result: [OutlinedTask] = []
        func walk(_ nodes: [TaskNode], role: String?, tags: [String]) {
            for node in nodes {
                switch node {
                case .task(let task), .include(let task):
                    let title = (role.map { "\($0) : " } ?? "") + task.displayName
                    result.append(OutlinedTask(title: title, tags: merged(tags, task.tags), location: task.location))
                case .block(let block):
                    let blockTags = merged(tags, block.keywords["tags"].map(Task.stringList) ?? [])
                    walk(block.tasks, role: role, tags: blockTags)
                }
            }
        }
        func walkRole(_ reference: RoleReference, tags: [String]) {
            let roleTags = merged(tags, reference.keywords["tags"].map(Task.stringList) ?? [])
            for dependency in reference.role.dependencies { walkRole(dependency, tags: roleTags) }
            walk(reference.role.tasks, role: reference.name, tags: roleTags)
        }
        walk(preTasks, role: nil, tags: self.tags)
        for role in roles { walkRole(role, tags: self.tags) }
        walk(tasks, role: nil, tags: self.tags)
        walk(postTasks, role: nil, tags: self.tags)
        return result
    }

    private func merged(_ a: [String], _ b: [String]) -> [String] {
        var seen = Set<String>()
        return (a + b).filter { seen.insert($0).inserted }
    }
}
