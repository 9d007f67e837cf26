import DroverCore

extension TaskRunner {
    /// The agent a task runs through: the target's connection variables,
    /// the task's `connection:` and become settings. A target that runs on
    /// the controller fails here, naming the task, when the run forbids it.
    static func agentFor(_ target: String, _ inv: TaskInvocation, _ variables: RunVariables,
                         counter: RoundTripCounter? = nil) async throws -> AgentClient {
        var hostVars = inv.inventory.host(named: target) != nil ? inv.inventory.variables(for: target) : [:]
        if target == inv.host {
            // The host's own connection variables may come from any layer (play vars, -e).
            for (key, value) in variables.variables where key.hasPrefix("ansible_") { hostVars[key] = value }
            // `connection: local` on a play, block or task; a host's own ansible_connection wins, as in Ansible.
            if hostVars["ansible_connection"] == nil, let connection = try keyword("connection", inv, variables) {
                hostVars["ansible_connection"] = connection
            }
        }
        var become: BecomeSpec?
        if try keyword("become", inv, variables)?.isTruthy ?? hostVars["ansible_become"]?.isTruthy ?? false {
            let user = try keyword("become_user", inv, variables)?.text ?? hostVars["ansible_become_user"]?.text ?? "root"
            let flags = try keyword("become_flags", inv, variables)?.text ?? ""
            become = BecomeSpec(user: user, flags: flags)
        }
        if let user = try keyword("remote_user", inv, variables)?.text, hostVars["ansible_user"] == nil {
            hostVars["ansible_user"] = .string(user)
        }
        let agent = try await inv.pool.agent(for: target, variables: hostVars, become: become, counter: counter, at: inv.task.location,
                                             gatheringFacts: inv.task.module == "setup")
        // A pipelined loop's item (item indexes count from 1).
        guard let batch = inv.pipeline, let loop = inv.loop else { return agent }
        return agent.seated(in: batch, index: loop.index - 1)
    }
}
