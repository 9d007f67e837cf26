import DroverSSH
import Foundation

/// The real sshd hosts the tests talk to, started by `ops/testhosts`.
/// `ops/test` starts them and sets DROVER_TESTHOSTS; a plain `swift test`
/// (as root) starts them itself in /tmp/drover-testhosts.
public enum TestHosts {
    public static let count = 20
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let directory: String = {
        let dir = ProcessInfo.processInfo.environment["DROVER_TESTHOSTS"] ?? "/tmp/drover-testhosts"
        let result = try! runBlocking(testhostsScript, ["up", String(count), dir, "--base", base])
        precondition(result.status == 0, "ops/testhosts up failed: \(result.output)")
        return dir
    }()

    public static var testhostsScript: String { repositoryRoot.appendingPathComponent("ops/testhosts").path }

    /// The first three octets of the hosts' addresses. Another base lets a
    /// second checkout run the suite at the same time (DROVER_TESTHOSTS_BASE).
    public static let base: String = ProcessInfo.processInfo.environment["DROVER_TESTHOSTS_BASE"] ?? "127.0.1"
    public static func address(_ index: Int) -> String { "\(base).\(index)" }
    /// A base for a suite's own hosts (ones it kills or pauses), beside the
    /// shared base: 127.0.1 gives 127.0.N, 127.11.1 gives 127.11.N.
    public static func privateBase(_ third: Int) -> String {
        base.split(separator: ".").prefix(2).joined(separator: ".") + ".\(third)"
    }
    public static func path(_ name: String) -> String { "\(directory)/\(name)" }
    public static var knownHosts: String { path("known_hosts") }
    public static var clientKey: String { path("id_ed25519") }

    /// A target for host `index` with the fixture's key and known_hosts,
    /// ignoring the user's own ssh config.
    public static func target(
        _ index: Int,
        name: String? = nil,
        authentication: SSHAuthentication? = nil,
        user: String = "root",
        knownHosts: String? = nil,
        policy: HostKeyPolicy = .strict,
        timeout: Duration = .seconds(10)
    ) -> SSHTarget {
        SSHTarget(
            name: name ?? "h\(index)",
            address: address(index),
            port: 22,
            user: user,
            authentication: authentication ?? .privateKey(path: clientKey),
            hostKeyPolicy: policy,
            knownHostsFile: knownHosts ?? self.knownHosts,
            sshConfig: .none,
            connectTimeout: timeout
        )
    }

    public static func connect(_ index: Int) async throws -> SSHConnection {
        try await SSHConnection.connect(to: target(index))
    }
}

public struct ProcessResult: Sendable {
    public var status: Int32
    public var output: String
}

/// Runs a local program and returns its exit status and combined output.
/// Blocks the calling thread: tests call it outside the cooperative pool's
/// hot paths (fixture set-up), and programs that leave daemons behind must
/// not keep the pipe open (ops/testhosts detaches sshd from it).
/// `runBlocking` on a thread of its own, so a test waiting for a program
/// never holds one of the cooperative pool's two threads (other tests
/// measure that the pool stays responsive).
@discardableResult
public func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                in directory: String? = nil) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try runBlocking(executable, arguments, environment: environment, in: directory) })
        }.start()
    }
}

@discardableResult
public func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
         in directory: String? = nil) throws -> ProcessResult {
    let process = Process()
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// A fresh scratch directory under /tmp for one test.
public func scratchDirectory(_ label: String) throws -> String {
    let path = "/tmp/drover-test-\(label)-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Resident memory of this process in bytes (from /proc/self/statm).
public func residentBytes() -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    let pages = Int(text.split(separator: " ")[1]) ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
