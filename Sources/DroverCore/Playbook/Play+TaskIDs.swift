/// Gives every task of a parsed play its `TaskID` (see there for the
/// numbering). Done on the finished tree, not while parsing, because a
/// role read once is shared by every place that names it: each place gets
/// ids of its own.
extension Play {
    /// This play as the `index`-th (1-based) of its playbook, its tasks placed.
    public func placingTasks(index: Int) -> Play {
        var play = self
        play.index = index
        let root = TaskID(play: index, path: [])
        var next = 0
        func take() -> TaskID {
            next += 1
            return root.child(next)
        }
        play.preTasks = preTasks.map { $0.placed(at: take()) }
        play.roles = roles.map { $0.placed(at: take(), handlers: false) }
        play.tasks = tasks.map { $0.placed(at: take()) }
        play.postTasks = postTasks.map { $0.placed(at: take()) }
        let handlerRoot = TaskID(play: index, path: [], isHandler: true)
        next = 0
        play.handlers = handlers.map { node in
            next += 1
            return node.placed(at: handlerRoot.child(next))
        }
        // Roles' handlers in their own entries after the play's handlers.
        play.roles = play.roles.map { reference in
            next += 1
            return reference.placed(at: handlerRoot.child(next), handlers: true)
        }
        return play
    }
}

extension RoleReference {
    /// Its dependencies, then its tasks (or handlers), as children of `id`.
    func placed(at id: TaskID, handlers: Bool) -> RoleReference {
        var reference = self
        var next = 0
        reference.role.dependencies = role.dependencies.map { dependency in
            next += 1
            return dependency.placed(at: id.child(next), handlers: handlers)
        }
        if handlers {
            reference.role.handlers = role.handlers.placed(under: id, after: next)
        } else {
            reference.role.tasks = role.tasks.placed(under: id, after: next)
        }
        return reference
    }
}

extension TaskNode {
    /// This node at `id`; a block's tasks, rescue and always are its children.
    public func placed(at id: TaskID) -> TaskNode {
        switch self {
        case .task(var task):
            task.id = id
            return .task(task)
        case .include(var task):
            task.id = id
            return .include(task)
        case .block(var block):
            block.tasks = block.tasks.placed(under: id)
            block.rescue = block.rescue.placed(under: id, after: block.tasks.count)
            block.always = block.always.placed(under: id, after: block.tasks.count + block.rescue.count)
            return .block(block)
        }
    }
}

extension Array where Element == TaskNode {
    /// These nodes as the children of `parent`, numbered from `after + 1`.
    public func placed(under parent: TaskID, after: Int = 0) -> [TaskNode] {
        enumerated().map { $0.element.placed(at: parent.child(after + $0.offset + 1)) }
    }
}
