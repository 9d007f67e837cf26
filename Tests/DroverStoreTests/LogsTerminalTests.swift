import DroverCore
@testable import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// `drover logs` prints exact bytes; on a terminal, a block that lacks a
/// final newline must not glue the next header (or the prompt) to it.
@Suite("drover logs on a terminal")
struct LogsTerminalTests {
    @Test("on a terminal each output ends its line, so each header and the prompt start a line; piped and --raw output is exact")
    func terminal() async throws {
        let temp = try TemporaryStore("logs-tty")
        defer { temp.close() }
        let id = try await record(temp.store, [
            report("h1", "say", .changed, stdout: "out h1\nline 2", rc: 0),
            report("h2", "say", .changed, stdout: "out h2\n", rc: 0),
            report("h1", "name", .changed, stdout: "vm", rc: 0),
        ])
        var environment = ProcessInfo.processInfo.environment
        environment["DROVER_HOME"] = temp.home
        func terminal(_ arguments: [String]) async throws -> ProcessResult {
            try await runInTerminal(droverExecutable, ["logs", "\(id)"] + arguments, environment: environment)
        }

        let host = try await terminal(["--host", "h1"])
        #expect(host.status == 0)
        #expect(host.output == "==> [h1] say <==\nout h1\nline 2\n==> [h1] name <==\nvm\n")
        // An output that ends its line gets nothing more.
        #expect(try await terminal(["--host", "h2"]).output == "out h2\n")
        #expect(try await terminal(["--host", "h1", "--raw"]).output == "==> [h1] say <==\nout h1\nline 2==> [h1] name <==\nvm")

        let piped = try await runSeparately(droverExecutable, ["logs", "\(id)", "--host", "h1"], environment: environment)
        #expect(piped.stdout == Array("out h1\nline 2vm".utf8))
        #expect(piped.stderrText == "==> [h1] say <==\n==> [h1] name <==\n")
    }
}
