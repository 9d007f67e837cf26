import DroverEngine
import Foundation

/// `--step`: asks on the terminal before each task, as ansible-playbook
/// does; after "c" it stops asking. stdin is read on a thread of its own,
/// never on the cooperative pool.
final class StepPrompt: @unchecked Sendable {
    private let lock = NSLock()
    private var continueAll = false

    func ask(_ title: String) async -> StepAnswer {
        if lock.withLock({ continueAll }) { return .yes }
        FileHandle.standardOutput.write(Data("Perform task: TASK: \(title) (N)o/(y)es/(c)ontinue: ".utf8))
        let line: String? = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: readLine()) }.start()
        }
        switch line?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "y", "yes": return .yes
        case "c", "continue":
            lock.withLock { continueAll = true }
            return .continueAll
        default: return .no
        }
    }
}
