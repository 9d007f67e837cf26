import Foundation
import Testing

/// Runs the agent's own test script (agents/posix/test-agent.sh) under each
/// shell the agent must support.
@Suite("POSIX agent under dash, bash and busybox sh")
struct AgentScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("the agent's protocol test passes", arguments: [["/bin/dash"], ["/bin/bash"], ["/bin/busybox", "sh"]])
    func shell(_ command: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst()) + [Self.root.appendingPathComponent("agents/posix/test-agent.sh").path, command.joined(separator: " ")]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains(" 0 failed"), "\(output)")
        // Every check ran: the script counts them (96 at protocol 3).
        let closing = output.split(separator: "\n").last { $0.hasSuffix(" passed, 0 failed") }
        let passed = closing.flatMap { Int($0.dropLast(" passed, 0 failed".count).split(separator: " ").last ?? "") }
        #expect((passed ?? 0) >= 96, "\(output)")
    }
}
