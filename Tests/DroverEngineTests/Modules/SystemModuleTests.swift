import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// package/apt, service/systemd, user/group, cron and reboot on test host
/// h16, which is this machine: every change is named drover-test-* and
/// undone at the end. One at a time (they share the host).
@Suite("System modules on a test host", .serialized)
struct SystemModuleTests {
    static let host = 16
    static let hostName = "h16"

    /// Runs shell on this machine (the test host) for fixtures and checks.
    @discardableResult
    static func sh(_ script: String) throws -> (status: Int32, output: String) {
        let result = try runBlocking("/bin/sh", ["-c", script])
        return (result.status, result.output)
    }

    /// One task on h16 (optionally in check mode, with a play environment),
    /// and its report.
    static func task(_ harness: PlaybookHarness, _ task: String, check: Bool = false, diff: Bool = false,
                     environment: [String: String] = [:]) async throws -> HostTaskReport {
        var play = "- hosts: all\n  gather_facts: false\n"
        if !environment.isEmpty {
            play += "  environment:\n" + environment.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        }
        play += "  tasks:\n    - " + task.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n      ") + "\n"
        var options = RunOptions()
        options.checkMode = check
        options.diffMode = diff
        let (_, observer) = try await harness.run(play, options: options)
        let reports = await observer.results(hostName)
        return try #require(reports.last, "no report for \(hostName)")
    }
}

extension HostTaskReport {
    /// A key of the registered result.
    subscript(_ key: String) -> Value? {
        if case .dict(let d) = result { return d[key] }
        return nil
    }

    var failedMessage: String { self["msg"]?.text ?? "" }
}
