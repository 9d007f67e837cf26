import Foundation

/// Facts that came with an agent's hello, handed out once: the play's
/// gathering uses them; a later gathering (another play) asks afresh.
final class HelloFacts: @unchecked Sendable {
    private let lock = NSLock()
    private var facts: String?

    func keep(_ text: String) { lock.withLock { facts = text } }

    func take() -> String? {
        lock.withLock {
            defer { facts = nil }
            return facts
        }
    }
}
