import DroverCore

/// `strategy: free`: every host runs the play's tasks at its own pace, at
/// most `forks` hosts at once. Each host gets a play runner of its own, so
/// no host waits for another between tasks.
enum FreeStrategy {
    static func run(_ play: Play, hosts: [String], states: [String: HostState], inventory: Inventory,
                    options: RunOptions, pool: AgentPool, observer: any RunObserver,
                    playbookDirectory: String) async throws -> (states: [String: HostState], abort: Bool) {
        var updated: [String: HostState] = [:]
        var abort = false
        var failure: (any Error)?
        await withTaskGroup(of: (String, Result<(HostState, Bool), any Error>).self) { group in
            var pending = hosts.makeIterator()
            func start(_ host: String) {
                group.addTask {
                    let runner = PlayRunner(play: play, inventory: inventory, options: options, pool: pool, observer: observer,
                                            playbookDirectory: playbookDirectory, hosts: states)
                    do {
                        try await runner.run(selected: [host], announce: false)
                        return (host, .success((runner.hosts[host]!, runner.abortRun)))
                    } catch {
                        return (host, .failure(error))
                    }
                }
            }
            for _ in 0..<min(options.forks, hosts.count) { if let h = pending.next() { start(h) } }
            for await (host, result) in group {
                switch result {
                case .success(let (state, stop)):
                    updated[host] = state
                    abort = abort || stop
                case .failure(let error):
                    failure = failure ?? error
                }
                if let h = pending.next() { start(h) }
            }
        }
        if let failure { throw failure }
        return (updated, abort)
    }
}
