import Crypto
import Foundation

/// The agent program shipped to hosts: its bytes, SHA-256 and local path.
public struct AgentScript: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let sha256: String
    /// The fields of the `hello` the agent start sends: `facts` when the
    /// first task gathers them, so they come with the start's round trips.
    public private(set) var helloFields: [[UInt8]] = []

    /// This script, started with a hello that asks for the host's facts.
    public func gatheringFacts() -> AgentScript {
        var script = self
        script.helloFields = [Array("facts".utf8)]
        return script
    }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentError(.agentMissing, host: "controller", "cannot read the agent at \(path); set DROVER_AGENT to its path")
        }
        self.path = path
        self.bytes = Array(data)
        self.sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// `DROVER_AGENT`, else `agents/posix/drover-agent.sh` in a directory
    /// above the executable (a checkout's .build/…/drover), else the
    /// installed copy under /usr/local/share/drover.
    public static func locate(executable: String = CommandLine.arguments.first ?? "") throws -> AgentScript {
        if let path = ProcessInfo.processInfo.environment["DROVER_AGENT"], !path.isEmpty {
            return try AgentScript(path: path)
        }
        let relative = "agents/posix/drover-agent.sh"
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return try AgentScript(path: candidate) }
            directory.deleteLastPathComponent()
        }
        let installed = "/usr/local/share/drover/" + relative
        if FileManager.default.fileExists(atPath: installed) { return try AgentScript(path: installed) }
        throw AgentError(.agentMissing, host: "controller",
            "cannot find \(relative) near the drover executable or in /usr/local/share/drover; set DROVER_AGENT to its path")
    }
}
