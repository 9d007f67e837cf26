/// A failure a command meets while it works (a run not in the store, a
/// playbook with errors, a host pattern matching nothing), as opposed to
/// a mistake in its command line. argument-parser prints `Error: …`
/// without the usage and exits 1 (README, "Exit status"); mistakes in the
/// command line are `ValidationError`s, thrown from `validate()`, and exit
/// 64 with the usage.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
