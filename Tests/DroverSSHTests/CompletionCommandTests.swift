import DroverTestSupport
import Foundation
import Testing

@Suite("drover completion")
struct CompletionCommandTests {
    @Test("drover completion SHELL prints the script argument-parser generates for it", arguments: ["bash", "zsh", "fish"])
    func script(shell: String) async throws {
        let command = try await runSeparately(droverExecutable, ["completion", shell])
        let flag = try await runSeparately(droverExecutable, ["--generate-completion-script", shell])
        #expect(command.status == 0, "\(command.stderrText)")
        #expect(!command.stdout.isEmpty && command.stdout == flag.stdout)
        #expect(command.stdoutText.contains("logs") && command.stdoutText.contains("completion"))
    }

    @Test("a shell it has no script for is a usage error")
    func unknownShell() async throws {
        let result = try await runSeparately(droverExecutable, ["completion", "tcsh"])
        #expect(result.status == 64)
        #expect(result.stderrText.contains("Usage: drover completion"), "\(result.stderrText)")
    }
}
