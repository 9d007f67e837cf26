import DroverCore
import DroverSSH
import Foundation

/// Replays hosts' undo journals newest first (RollbackPlan) through the
/// agent, refusing per file when the host no longer holds what the run left
/// there (unless forced). Every action it takes journals its own undo
/// entries, so a rollback can be rolled back.
public struct RollbackRunner: Sendable {
    public let journals: [String: [UndoRecord]]
    public let inventory: Inventory
    public let connector: any HostConnector
    public let script: AgentScript
    public let observer: any RunObserver
    public var checkMode = false
    public var force = false
    public var forks = 50
    /// Once cancelled, no host starts and no further action is taken.
    public var cancellation = RunCancellation()
    /// A rollback of a localhost journal runs on the controller (`ControllerAccess`).
    public var controllerAccess = ControllerAccess.allowed
    public var title: String
    /// A rollback is one step, not a playbook task: play 0, step 1.
    public static let stepID = TaskID(play: 0, path: [1])

    public init(journals: [String: [UndoRecord]], inventory: Inventory, connector: any HostConnector,
                script: AgentScript, observer: any RunObserver, title: String) {
        self.journals = journals
        self.inventory = inventory
        self.connector = connector
        self.script = script
        self.observer = observer
        self.title = title
    }

    public func run() async -> RunRecap {
        let clock = ContinuousClock()
        let start = clock.now
        let pool = AgentPool(connector: connector, script: script, controllerAccess: controllerAccess)
        let hosts = journals.keys.sorted()
        let stats = await execute(pool: pool)
        await pool.closeAll()
        await connector.shutdown()
        let recap = RunRecap(hosts: hosts.map { ($0, stats[$0] ?? HostStats()) }, duration: clock.now - start)
        await observer.runFinished(recap)
        return recap
    }

    /// Rolls every host back over `pool` (shared with a run in progress for
    /// `rollback: on_failure`); returns each host's counts.
    func execute(pool: AgentPool) async -> [String: HostStats] {
        let hosts = journals.keys.sorted()
        await observer.taskStarted(title, id: Self.stepID, task: nil, hosts: hosts.count, handler: false)
        var stats: [String: HostStats] = [:]
        await withTaskGroup(of: (String, HostStats).self) { group in
            var pending = hosts.makeIterator()
            for _ in 0..<min(forks, hosts.count) {
                if let host = pending.next() { group.addTask { (host, await rollBack(host, pool: pool)) } }
            }
            for await (host, hostStats) in group {
                stats[host] = hostStats
                if !cancellation.isCancelled, let host = pending.next() { group.addTask { (host, await rollBack(host, pool: pool)) } }
            }
        }
        return stats
    }

    private func rollBack(_ host: String, pool: AgentPool) async -> HostStats {
        var stats = HostStats()
        let actions = RollbackPlan.actions(for: journals[host] ?? [])
        let agent: AgentClient
        do {
            let vars = inventory.host(named: host) != nil ? inventory.variables(for: host) : [:]
            agent = try await pool.agent(for: host, variables: vars, become: nil)
        } catch {
            stats.unreachable += 1
            await report(host, .unreachable, "", ["msg": .string("\(error)")], [])
            return stats
        }
        // In check mode nothing changes, so a path an earlier action "restored"
        // still holds the run's later content: its drift check is skipped.
        // Only a path an action would change counts: where one is refused,
        // the real rollback leaves the file as it is, and so must the check.
        var touched = Set<String>()
        for action in actions where !cancellation.isCancelled {
            do {
                let (status, message, undo) = try await perform(action, agent: agent, simulated: touched)
                if status == .changed, let path = action.path { touched.insert(path) }
                switch status {
                case .changed: stats.ok += 1; stats.changed += 1
                case .failed: stats.failed += 1
                case .skipped: stats.skipped += 1
                default: stats.ok += 1
                }
                await report(host, status, action.summary, ["msg": .string(message), "changed": .bool(status == .changed)], undo)
            } catch let error as AgentError where error.isUnreachable {
                stats.unreachable += 1
                await report(host, .unreachable, action.summary, ["msg": .string(error.message)], [])
                return stats
            } catch {
                stats.failed += 1
                await report(host, .failed, action.summary, ["msg": .string("\(error)"), "failed": .bool(true)], [])
            }
        }
        return stats
    }

    private func report(_ host: String, _ status: TaskStatus, _ item: String,
                        _ result: [String: Value], _ undo: [UndoEntry]) async {
        var report = HostTaskReport(host: host, taskID: Self.stepID, status: status, item: item.isEmpty ? nil : item,
                                    result: .dict(.init(uniqueKeysWithValues: result.sorted { $0.key < $1.key })))
        report.module = "rollback"
        report.task = title
        report.undo = undo
        report.started = Date()
        await observer.hostReported(report)
    }

    /// Does one action; returns its status, a message and the undo entries
    /// of what it changed.
    func perform(_ action: RollbackAction, agent: AgentClient,
                 simulated: Set<String> = []) async throws -> (TaskStatus, String, [UndoEntry]) {
        if checkMode, let path = action.path, simulated.contains(path) {
            return (.changed, "would \(action.summary)", [])
        }
        switch action {
        case .restoreFile(let path, let previous, let content, let expected):
            let current = try await agent.stat(path)
            if current.isFile, try await agent.sha256(path) == FileContentDigest.sha256(content) {
                return try await restoreAttributes(path, previous, agent: agent, already: true)
            }
            if let refusal = try await drift(path, current: current, expected: expected, agent: agent) { return (.failed, refusal, []) }
            if checkMode { return (.changed, "would restore the previous content", []) }
            let old = current.isFile ? try await agent.read(path) : nil
            let outcome = try await agent.write(path, content: content, mode: previous.mode ?? "", owner: ownership(previous))
            return (.changed, "restored", [.file(path: path, previous: outcome.previous, content: old, after: outcome.sha256)])
        case .removeFile(let path, let expected):
            let current = try await agent.stat(path)
            guard current.exists else { return (.ok, "already absent", []) }
            if let refusal = try await drift(path, current: current, expected: expected, agent: agent) { return (.failed, refusal, []) }
            if checkMode { return (.changed, "would remove it", []) }
            let content = current.isFile ? try await agent.read(path) : nil
            let previous = try await agent.remove(path)
            return (.changed, "removed", [.removed(path: path, previous: previous, content: content)])
        case .removeDirectory(let path):
            let current = try await agent.stat(path)
            guard current.isDirectory else { return (.ok, "already absent", []) }
            let r = try await agent.exec("[ -z \"$(ls -A \(shellQuote(path)))\" ]")
            if r.rc != 0 && !force {
                return (.failed, "the directory is not empty (files were added since the run); remove them or use --force", [])
            }
            if checkMode { return (.changed, "would remove it", []) }
            let previous = try await agent.remove(path)
            return (.changed, "removed", [.removed(path: path, previous: previous, content: nil)])
        case .recreateFile(let path, let previous, let content):
            let current = try await agent.stat(path)
            if current.exists && !force {
                return (.failed, "\(path) exists again since the run; use --force to overwrite it", [])
            }
            if checkMode { return (.changed, "would recreate it", []) }
            let outcome = try await agent.write(path, content: content, mode: previous.mode ?? "", owner: ownership(previous))
            return (.changed, "recreated", [.file(path: path, previous: outcome.previous, content: nil, after: outcome.sha256)])
        case .recreateDirectory(let path, let previous):
            if try await agent.stat(path).isDirectory { return (.ok, "already there", []) }
            if checkMode { return (.changed, "would recreate it (empty)", []) }
            try await agent.mkdir(path, mode: previous.mode ?? "")
            return (.changed, "recreated empty: its former contents were not recorded", [.createdDirectory(path: path)])
        case .restoreLink(let path, let previous):
            let current = try await agent.stat(path)
            if previous.exists, let target = previous.target {
                if current.isLink && current.target == target { return (.ok, "already linked", []) }
                if checkMode { return (.changed, "would relink", []) }
                let before = try await agent.symlink(target: target, link: path)
                return (.changed, "relinked", [.link(path: path, previous: before)])
            }
            guard current.exists else { return (.ok, "already absent", []) }
            guard current.isLink || force else {
                return (.failed, "\(path) is no longer the link the run made; use --force to remove it", [])
            }
            if checkMode { return (.changed, "would remove the link", []) }
            let before = try await agent.remove(path)
            return (.changed, "removed", [.link(path: path, previous: before)])
        case .restoreAttributes(let path, let previous):
            return try await restoreAttributes(path, previous, agent: agent, already: false)
        case .irreversible(_, let reason):
            return (.skipped, reason, [])
        case .runCommand(let command):
            if checkMode { return (.changed, "would run: \(command)", []) }
            let r = try await agent.exec(command)
            if r.rc != 0 {
                return (.failed, "the undo command failed (rc \(r.rc)): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))", [])
            }
            return (.changed, "ran: \(command)", [.irreversible(description: "undo command: \(command)")])
        }
    }

    private func restoreAttributes(_ path: String, _ previous: PathState, agent: AgentClient,
                                   already: Bool) async throws -> (TaskStatus, String, [UndoEntry]) {
        let current = try await agent.stat(path)
        guard current.exists else { return (.ok, "absent; nothing to restore", []) }
        var changed = false
        if let mode = previous.mode, current.mode != mode {
            changed = true
            if !checkMode { try await agent.chmod(path, mode: mode) }
        }
        let owner = ownership(previous)
        if !owner.isEmpty, current.owner != previous.owner || current.group != previous.group {
            changed = true
            if !checkMode { try await agent.chown(path, owner: owner) }
        }
        if !changed { return (.ok, already ? "already as before the run" : "mode and owner already as before", []) }
        return (.changed, checkMode ? "would restore mode and owner" : "mode and owner restored", checkMode ? [] : [.attributes(path: path, previous: current)])
    }

    /// nil when the host still holds what the run left (or --force).
    private func drift(_ path: String, current: PathState, expected: String?, agent: AgentClient) async throws -> String? {
        guard !force, let expected else { return nil }
        let now = current.isFile ? try await agent.sha256(path) : nil
        guard now != expected else { return nil }
        return "\(path) changed since the run (its content is not what the run left there); check it, or use --force to roll back anyway"
    }

    private func ownership(_ state: PathState) -> String {
        guard let owner = state.owner else { return "" }
        return state.group.map { "\(owner):\($0)" } ?? owner
    }
}

/// SHA-256 of bytes as hex, for comparing with the agent's digests.
enum FileContentDigest {
    static func sha256(_ bytes: [UInt8]) -> String { FileContent.sha256Hex(bytes) }
}
