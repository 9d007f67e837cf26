import DroverTestSupport
import Foundation
import Testing

@Suite("drover --version and drover version")
struct VersionCommandTests {
    @Test("both print drover's version and the agent protocol version the agent script speaks")
    func version() async throws {
        let agent = try String(contentsOfFile: TestHosts.repositoryRoot.appendingPathComponent("agents/posix/drover-agent.sh").path,
                               encoding: .utf8)
        let line = try #require(agent.split(separator: "\n").first { $0.hasPrefix("PROTOCOL=") })
        let agentProtocol = line.dropFirst("PROTOCOL=".count)
        let flag = try await runSeparately(droverExecutable, ["--version"])
        let command = try await runSeparately(droverExecutable, ["version"])
        #expect(flag.status == 0 && command.status == 0, "\(flag.stderrText)\(command.stderrText)")
        #expect(flag.stdout == command.stdout)
        let match = flag.stdoutText.wholeMatch(of: /drover (\d+\.\d+\.\d+[^ ]*) \(agent protocol (\d+)\)\n/)
        #expect(match?.2 == agentProtocol, "\(flag.stdoutText)")
    }
}
