import DroverCore

/// file's common states in one request: the agent compares and acts
/// (`ensure`), and answers the state before, the state after, the
/// directories it created and the bytes of a file it removed, which is all
/// the result and the undo journal need.
extension FileModule {
    // Not touch: it changes the times every run, as Ansible does, so it always acts.
    static let ensuredStates: Set<String> = ["directory", "file", "absent", "link"]

    /// Whether `ensure` can do it all: not for check or diff mode (nothing
    /// may change), recursion, hard links, or a link over something else.
    static func canEnsure(_ state: String, _ context: ModuleContext) -> Bool {
        let args = context.arguments
        return !context.checkMode && !context.diffMode && ensuredStates.contains(state) && !args.bool("recurse")
            && !(state == "link" && args.bool("force"))
    }

    func ensure(_ path: String, state: String, context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let (owner, group) = FileContent.splitOwnership(args.ownership)
        let linkTarget = args.string("src") ?? ""
        if state == "link" && linkTarget.isEmpty { return .failure("src is required for state=link") }
        let response = try await context.agent.ensure(path, state: state, mode: args.mode() ?? "", owner: owner,
                                                             group: group, linkTarget: linkTarget)
        let outcome = response.outcome
        guard response.response.rc == 0 else {
            let message = response.response.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            if state == "file", !outcome.before.exists {
                return .failure("file (\(path)) is absent, cannot continue", ["path": .string(path), "state": .string("absent")])
            }
            return .failure(message.isEmpty ? "cannot make \(path) \(state)" : message, ["path": .string(path)])
        }
        var result = ModuleResult()
        result.changed = outcome.changed
        if outcome.changed { result.undo += undo(path, state: state, outcome, created: response.response.metaValues("created")) }
        result.values["path"] = .string(path)
        result.values["state"] = .string(state)
        if state == "link" { result.values["src"] = .string(linkTarget) }
        if outcome.after.exists { Self.describe(outcome.after, in: &result) }
        return result
    }

    private func undo(_ path: String, state: String, _ outcome: AgentClient.Ensured, created: [String]) -> [UndoEntry] {
        let before = outcome.before
        switch state {
        case "absent":
            return [.removed(path: path, previous: before, content: before.isFile ? outcome.previousContent : nil)]
        case "link":
            return [.link(path: path, previous: before)]
        case "directory" where !before.exists:
            // Outermost first, as they were made; rollback removes them innermost first.
            let parents = created.filter { $0 != path }
            return parents.map { .createdDirectory(path: $0) } + [.createdDirectory(path: path)]
        default:
            return [.attributes(path: path, previous: before)]
        }
    }
}
