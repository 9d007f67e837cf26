import DroverCore

/// Which loops send their items' requests to the agent together
/// (`PipelineBatch`): only where that cannot change what the host sees.
/// Each item must make exactly one request, whatever its answer, so the
/// agent runs the items' requests in item order as it would one by one;
/// the items must share one agent; and nothing between items may depend
/// on time or on the item before (`until`, `pause`, set_fact).
enum LoopPipelining {
    /// Modules that answer with one request: `stat` (its checksum comes
    /// with it) and `file` in the states `ensure` does in one.
    static let modules: Set<String> = ["stat", "file"]
    /// Keywords that could give items different agents or timing.
    static let excludedKeywords = ["until", "delegate_to", "become", "become_user", "become_method", "remote_user",
                                   "connection", "check_mode", "diff"]

    static func admits(_ task: Task, options: RunOptions, itemCount: Int) -> Bool {
        guard itemCount > 1, modules.contains(task.module) else { return false }
        guard !excludedKeywords.contains(where: { task.keywords[$0] != nil }) else { return false }
        if let pause = task.keywords["loop_control"]?.dictionary["pause"], pause.text != "0" { return false }
        guard task.module == "file" else { return true }
        // file: `ensure` only outside check and diff mode, for a state
        // written as it is (not a template that an item could change).
        guard !options.checkMode, !options.diffMode, task.arguments["recurse"] == nil,
              let state = task.arguments["state"]?.stringValue, !Template.containsTemplate(state),
              FileModule.ensuredStates.contains(state) else { return false }
        return state != "link" || task.arguments["force"] == nil
    }
}
