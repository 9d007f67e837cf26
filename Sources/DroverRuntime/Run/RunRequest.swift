import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// Everything one run needs, from whoever starts it (the CLI, the server):
/// already parsed and validated, so nothing about it can fail on a host.
public struct RunRequest: Sendable {
    public var work: RunWork
    public var inventory: Inventory
    public var options: RunOptions
    /// What the store records about the run (playbook, inventory, user…).
    public var info: RunInfo
    public var connector: any HostConnector
    public var script: AgentScript
    /// What to do when another run holds one of the hosts.
    public var locking: HostLocking
    /// Observers that see every event in order before it is published (the
    /// console of the CLI); keep them fast.
    public var observers: [any RunObserver]

    public init(playbook: Playbook, inventory: Inventory, options: RunOptions, info: RunInfo,
                connector: any HostConnector, script: AgentScript, locking: HostLocking = .failAtOnce,
                observers: [any RunObserver] = []) {
        self.init(work: .playbook(playbook), inventory: inventory, options: options, info: info,
                  connector: connector, script: script, locking: locking, observers: observers)
    }

    public init(work: RunWork, inventory: Inventory, options: RunOptions, info: RunInfo,
                connector: any HostConnector, script: AgentScript, locking: HostLocking = .failAtOnce,
                observers: [any RunObserver] = []) {
        self.work = work
        self.inventory = inventory
        self.options = options
        self.info = info
        self.connector = connector
        self.script = script
        self.locking = locking
        self.observers = observers
    }
}

/// A run's policy for hosts another run holds.
public enum HostLocking: Sendable, Equatable {
    /// Fail before changing anything, naming who holds what.
    case failAtOnce
    /// Wait up to this long for the hosts, then fail the same way.
    case wait(Duration)
}
