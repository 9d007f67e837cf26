import ArgumentParser
import DroverStore
import Foundation

/// `drover locks`: which runs hold which hosts; `drover locks release`.
struct LocksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locks",
        abstract: "List the host locks (leases) runs hold, or release a stuck run's.",
        subcommands: [LocksListCommand.self, LocksReleaseCommand.self],
        defaultSubcommand: LocksListCommand.self
    )
}

struct LocksListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the host locks, oldest first.")

    func run() async throws {
        let store = try await StoreOptions.open()
        let leases = try await store.hostLeases()
        guard !leases.isEmpty else {
            Output.line("no host is locked")
            return
        }
        Output.line("HOST".padding(toLength: 24, withPad: " ", startingAt: 0) + "RUN     HOLDER        SINCE                 EXPIRES")
        for lease in leases {
            let state = lease.expired ? "expired" : Table.time(lease.expiresAt)
            Output.line(lease.host.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(lease.runID).padding(toLength: 8, withPad: " ", startingAt: 0)
                + lease.holder.padding(toLength: 14, withPad: " ", startingAt: 0)
                + Table.time(lease.acquiredAt).padding(toLength: 22, withPad: " ", startingAt: 0) + state)
        }
    }
}

struct LocksReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release the hosts a run holds (for a run whose controller is gone; a live run renews them).",
        discussion: "A run's locks expire by themselves a minute after its controller stops beating; --force frees them now."
    )

    @Argument(help: "The run whose host locks to release.")
    var run: Int64

    @Flag(help: "Required: releasing a live run's hosts lets another run change them at the same time.")
    var force = false

    func validate() throws {
        if !force { throw ValidationError("releasing a run's host locks needs --force (check first that run \(run) is not still running)") }
    }

    func run() async throws {
        let store = try await StoreOptions.open()
        let released = try await store.forceReleaseHostLeases(run: run)
        if released.isEmpty {
            Output.line("run \(run) holds no host locks")
        } else {
            Output.line("released \(released.count) host lock\(released.count == 1 ? "" : "s") of run \(run): "
                + released.map(\.host).joined(separator: ", "))
        }
    }
}
