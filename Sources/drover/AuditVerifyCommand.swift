import ArgumentParser
import DroverStore

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit log's hash chain: exit 0 when it holds, 1 naming the first bad entry.",
        discussion: "Keep the printed head hash elsewhere: comparing it later also shows entries removed from the end."
    )

    func run() async throws {
        let store = try await StoreOptions.open()
        switch try await store.verifyAuditChain() {
        case .intact(let count, let head):
            Output.line("audit log intact: \(count) entr\(count == 1 ? "y" : "ies")" + (head.map { ", head sha256 \($0)" } ?? ""))
        case .broken(let failure):
            Output.line("audit log broken: \(failure)")
            throw ExitCode(1)
        }
    }
}
