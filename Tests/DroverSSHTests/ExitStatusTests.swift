import DroverTestSupport
import Foundation
import Testing

/// One exit status table for every command (README, "Exit status"): 64 and
/// the usage for a wrong command line, 1 and a message alone for an error
/// found while working.
@Suite("drover exit status")
struct ExitStatusTests {
    /// The tests' environment with a store of its own.
    static func environment(store: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DROVER_HOME"] = store
        return environment
    }

    static func drover(_ arguments: [String]) async throws -> SeparateStreams {
        let store = try scratchDirectory("exit-status")
        defer { try? FileManager.default.removeItem(atPath: store) }
        return try await runSeparately(droverExecutable, arguments, environment: environment(store: store))
    }

    @Test("a wrong command line exits 64 with the usage", arguments: [
        ["nosuch"], ["run"], ["run", "site.yml"], ["run", "site.yml", "-i", "a,", "--cancel-grace", "-1"],
        ["run", "site.yml", "-i", "a,", "-e", "{not json"], ["check", "site.yml", "-e", "{not json"],
        ["exec", "-i", "a,", "all"], ["ping"], ["inventory", "-i", "a,"], ["show"], ["show", "one"],
        ["logs", "1", "--collected", "--stderr"], ["runs", "--since", "soon"], ["prune", "--older-than", "soon"],
        ["diff", "1"], ["export", "1", "--format", "csv"], ["rollback"], ["locks", "release", "1"],
    ])
    func usage(arguments: [String]) async throws {
        let result = try await Self.drover(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderrText)")
        #expect(result.stderrText.hasPrefix("Error: ") && result.stderrText.contains("Usage: drover"), "\(arguments): \(result.stderrText)")
    }

    @Test("an error found while working exits 1 with its message and no usage", arguments: [
        ["show", "99"], ["logs", "99"], ["export", "99", "--format", "json"], ["rollback", "99"],
        ["check", "/nonexistent/site.yml"], ["run", "/nonexistent/site.yml", "-i", "a,"],
        ["inventory", "-i", "/nonexistent/hosts", "--list"], ["inventory", "-i", "a,", "--host", "b"],
        ["ping", "-i", "a,", "nomatch"], ["exec", "-i", "a,", "nomatch", "--", "true"],
    ])
    func runtime(arguments: [String]) async throws {
        let result = try await Self.drover(arguments)
        #expect(result.status == 1, "\(arguments): \(result.stderrText)")
        #expect(result.stderrText.hasPrefix("Error: ") && !result.stderrText.contains("Usage:"), "\(arguments): \(result.stderrText)")
    }

    @Test("drover show 99 says there is no run 99, in one line")
    func noRun() async throws {
        let result = try await Self.drover(["show", "99"])
        #expect(result.stderrText.hasPrefix("Error: no run 99"), "\(result.stderrText)")
        #expect(result.stderrText.split(separator: "\n").count == 1, "\(result.stderrText)")
    }

    @Test("drover diff keeps 1 for runs that differ, so its errors exit 2 as diff(1)'s do")
    func diff() async throws {
        let result = try await Self.drover(["diff", "1", "2"])
        #expect(result.status == 2, "\(result.stderrText)")
        #expect(result.stderrText.hasPrefix("Error: no run 1") && !result.stderrText.contains("Usage:"), "\(result.stderrText)")
    }

    @Test("run --help states the same table")
    func runHelp() async throws {
        let help = try await Self.drover(["run", "--help"])
        #expect(help.stdoutText.contains("64 the command line is wrong"), "\(help.stdoutText)")
        #expect(!help.stdoutText.contains("1 a usage error"))
    }
}
