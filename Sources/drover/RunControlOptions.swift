import ArgumentParser
import DroverEngine
import DroverRuntime

/// `--cancel-grace` and `--wait-lock`, for every command that starts a run
/// (run, exec, rollback).
struct RunControlOptions: ParsableArguments {
    @Option(help: "Seconds a cancelled run's commands get to stop before they are killed.")
    var cancelGrace: Int = 10

    @Option(help: "When another run holds a host, wait this long for it (e.g. 60s, 5m) instead of failing at once.")
    var waitLock: LockWait?

    func validate() throws {
        if cancelGrace < 0 { throw ValidationError("--cancel-grace takes a number of seconds, 0 or more") }
    }

    var cancellation: RunCancellation { RunCancellation(grace: .seconds(cancelGrace)) }
    var locking: HostLocking { waitLock.map { .wait(.seconds($0.seconds)) } ?? .failAtOnce }
}
