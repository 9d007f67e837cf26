import DroverCore
import DroverEngine
import DroverRuntime
import DroverStore
import Foundation

extension LaunchPlanner {
    /// The undoing of a run its template launched: its hosts' journals
    /// (within `limit`), as a run of that template's queue and locks.
    public func planRollback(_ template: JobTemplate, undoing run: RunSummary, journals: [String: [UndoRecord]],
                             limit: String?, check: Bool, user: String) async throws -> PreparedLaunch {
        var selected = journals
        if let limit {
            let patterns = limit.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            selected = journals.filter { host, _ in patterns.contains { FnMatch.matches(host, $0) } }
        }
        guard !selected.isEmpty else {
            throw LaunchRefusal(problems: [FieldProblem(field: "limit",
                message: "run \(run.id) recorded no changes\(limit.map { " on hosts matching \($0)" } ?? ""): nothing to undo")])
        }
        let inventory = try await OffThePool.run { try Inventory.load(template.inventory) }
        var options = RunOptions()
        options.checkMode = check
        options.forks = template.forks ?? options.forks
        options.cancellation = RunCancellation(grace: cancelGrace)
        options.controllerAccess = controllerAccess
        var info = RunInfo(playbook: run.playbook, playbookSHA256: "", inventory: template.inventory, limit: limit, extraVars: [:], checkMode: check)
        info.kind = .rollback
        info.parentRunID = run.id
        info.user = user
        info.template = template.name
        let work = RollbackWork(undoing: run.id, journals: selected, force: false, wholeRun: limit == nil)
        let request = RunRequest(work: .rollback(work), inventory: inventory, options: options, info: info, connector: makeConnector(),
                                 script: script, locking: template.lockWait.map { .wait($0) } ?? .failAtOnce)
        var parameters: [String: Value] = ["user": .string(user), "rollback_of": .int(Int(run.id)), "check": .bool(check)]
        if let limit { parameters["limit"] = .string(limit) }
        return PreparedLaunch(template: template, request: request, hostCount: selected.count,
                              parameters: Value.dict(.init(uniqueKeysWithValues: parameters.sorted { $0.key < $1.key })).jsonText(),
                              hasSecrets: false)
    }
}
