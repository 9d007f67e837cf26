import DroverCore
import Foundation
import OrderedCollections

/// Runs a parsed playbook's plays in order against an inventory and
/// returns the recap. Nothing touches a host before the playbook parsed.
public struct PlaybookRunner: Sendable {
    /// ansible-playbook's words when every host of a play has failed.
    public static let noMoreHostsLeft = "NO MORE HOSTS LEFT"

    public let playbook: Playbook
    public let inventory: Inventory
    public let options: RunOptions
    public let connector: any HostConnector
    public let script: AgentScript
    public let observer: any RunObserver

    public init(playbook: Playbook, inventory: Inventory, options: RunOptions, connector: any HostConnector,
                script: AgentScript, observer: any RunObserver) {
        self.playbook = playbook
        self.inventory = inventory
        self.options = options
        self.connector = connector
        self.script = script
        self.observer = observer
    }

    public func run() async throws -> RunRecap {
        let clock = ContinuousClock()
        let start = clock.now
        let pool = AgentPool(connector: connector, script: script, cancellation: options.cancellation,
                             controllerAccess: options.controllerAccess)
        let live = pool.relay.forward(to: observer)
        defer { live.cancel() }
        let directory = (playbook.path as NSString).deletingLastPathComponent
        var states: [String: HostState] = [:]
        var order: [String] = []
        // --start-at-task is spent once a play found the task: later plays run whole, as in Ansible.
        var options = self.options
        do {
            for play in playbook.plays where !options.cancellation.isCancelled {
                var selected = try HostPattern.resolve(play.hosts, in: inventory)
                if let limit = options.limit { selected = selected.filter(limit.contains) }
                selected = ordered(selected, play.keywords["order"]?.text)
                for host in selected where states[host] == nil {
                    states[host] = HostState(name: host, inventoryVars: inventory.variables(for: host))
                    order.append(host)
                }
                let playbookDirectory = directory.isEmpty ? "." : directory
                // Hosts that failed or went unreachable in earlier plays sit this one out.
                let eligible = selected.filter { states[$0]!.isActive || states[$0]!.ended }
                if selected.isEmpty {
                    await observer.message("skipping: no hosts matched")
                } else if play.keywords["strategy"]?.text == "free" {
                    await observer.playStarted(play, hosts: eligible)
                    let (updated, abort) = try await FreeStrategy.run(
                        play, hosts: eligible, states: states, inventory: inventory, options: options,
                        pool: pool, observer: observer, playbookDirectory: playbookDirectory)
                    states.merge(updated) { _, new in new }
                    if abort { break }
                } else {
                    let runner = PlayRunner(play: play, inventory: inventory, options: options, pool: pool, observer: observer,
                                            playbookDirectory: playbookDirectory, hosts: states)
                    try await runner.run(selected: eligible)
                    states = runner.hosts
                    if runner.startAtTaskPending == nil { options.startAtTask = nil }
                    if runner.abortRun { break }
                }
                for key in states.keys { states[key]!.ended = false; states[key]!.notified = [] }
            }
        } catch {
            await pool.closeAll()
            await connector.shutdown()
            throw error
        }
        await pool.closeAll()
        await connector.shutdown()
        // Live output first, then the recap: subscribers see them in that order.
        pool.relay.finish()
        await live.value
        let recap = RunRecap(hosts: order.sorted().map { ($0, states[$0]!.stats) }, duration: clock.now - start)
        await observer.runFinished(recap)
        return recap
    }

    /// The play's `order`: inventory (default), reverse_inventory, sorted,
    /// reverse_sorted, shuffle.
    func ordered(_ hosts: [String], _ order: String?) -> [String] {
        switch order {
        case "reverse_inventory": return hosts.reversed()
        case "sorted": return hosts.sorted()
        case "reverse_sorted": return hosts.sorted(by: >)
        case "shuffle": return hosts.shuffled()
        default: return hosts
        }
    }
}
