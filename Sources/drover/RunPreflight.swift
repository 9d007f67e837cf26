import ArgumentParser
import DroverCore
import Foundation

/// What `drover run` and `drover check` verify about a playbook before
/// any host is contacted, beyond what the parser already refused.
enum RunPreflight {
    /// An empty playbook is not an error, but a run that does nothing
    /// should not look like a success without a word.
    static func warnIfEmpty(_ playbook: Playbook) {
        for warning in playbook.emptinessWarnings() {
            FileHandle.standardError.write(Data("[WARNING]: \(warning)\n".utf8))
        }
    }

    /// A `--start-at-task` that matches nothing would skip every task.
    static func checkStartAtTask(_ name: String?, in playbook: Playbook) throws {
        guard let name else { return }
        do {
            try playbook.checkStartAtTask(name)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
