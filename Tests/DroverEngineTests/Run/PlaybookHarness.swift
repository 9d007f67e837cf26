import DroverCore
import DroverEngine
import DroverSSH
import DroverTestSupport
import Foundation
import Testing

/// Connects test hosts `hN` to 127.0.1.N with the fixture's key, or to
/// BASE.N with the keys of another `ops/testhosts` directory.
struct TestHostConnector: HostConnector {
    let connections: ConnectionCache

    init(base: String? = nil, directory: String? = nil) {
        connections = ConnectionCache(base: base, directory: directory)
    }

    func connect(host: String, variables: [String: Value], become: BecomeSpec?, script: AgentScript) async throws -> any AgentTransport {
        guard host.hasPrefix("h"), let index = Int(host.dropFirst()) else {
            throw AgentError(.unreachable, host: host, "not a test host")
        }
        do {
            let connection = try await connections.connection(index, name: host)
            return try await SSHAgentTransport.start(on: connection, script: script, become: become)
        } catch let error as SSHError {
            throw AgentError(.unreachable, host: host, error.message)
        }
    }

    func shutdown() async { await connections.closeAll() }
}

actor ConnectionCache {
    private var open: [Int: SSHConnection] = [:]
    let base: String?
    let directory: String?

    init(base: String?, directory: String?) {
        self.base = base
        self.directory = directory
    }

    func connection(_ index: Int, name: String) async throws -> SSHConnection {
        if let c = open[index] { return c }
        var target = TestHosts.target(index, name: name, timeout: .seconds(3))
        if let base, let directory {
            target.address = "\(base).\(index)"
            target.authentication = .privateKey(path: "\(directory)/id_ed25519")
            target.knownHostsFile = "\(directory)/known_hosts"
        }
        let c = try await SSHConnection.connect(to: target)
        open[index] = c
        return c
    }
    func closeAll() async {
        for c in open.values { await c.close() }
        open = [:]
    }
}

/// Keeps every report, for assertions.
actor CollectingObserver: RunObserver {
    var reports: [HostTaskReport] = []
    var titles: [String] = []
    var messages: [String] = []

    func playStarted(_ play: Play, hosts: [String]) {}
    func taskStarted(_ title: String, task: DroverCore.Task?, hosts: Int, handler: Bool) { titles.append(title) }
    func hostReported(_ report: HostTaskReport) { reports.append(report) }
    func message(_ text: String) { messages.append(text) }
    func runFinished(_ recap: RunRecap) {}

    func results(_ host: String) -> [HostTaskReport] { reports.filter { $0.host == host } }
}

/// Writes a playbook and an inventory of test hosts to a scratch directory
/// and runs it with the real engine and agent.
struct PlaybookHarness {
    let directory: String
    let hosts: [Int]
    static let script = try! AgentScript(path: TestHosts.repositoryRoot.appendingPathComponent("agents/posix/drover-agent.sh").path)

    init(_ label: String, hosts: [Int], extraInventory: String = "") throws {
        directory = try scratchDirectory(label)
        self.hosts = hosts
        var inventory = "[testhosts]\n"
        for i in hosts { inventory += "h\(i) work=\(directory)/h\(i)\n" }
        inventory += extraInventory
        try inventory.write(toFile: "\(directory)/inventory", atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String) throws {
        let path = "\(directory)/\(name)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func run(_ playbook: String, options: RunOptions = RunOptions(),
             connector: TestHostConnector = TestHostConnector()) async throws -> (RunRecap, CollectingObserver) {
        try write("site.yml", playbook)
        let parsed = try PlaybookParser(extraVariableNames: Set(options.extraVars.keys)).parse(file: "\(directory)/site.yml")
        let inventory = try Inventory.load("\(directory)/inventory")
        let observer = CollectingObserver()
        let runner = PlaybookRunner(playbook: parsed, inventory: inventory, options: options,
                                    connector: connector, script: Self.script, observer: observer)
        return (try await runner.run(), observer)
    }

    func stats(_ recap: RunRecap, _ host: String) -> HostStats {
        recap.hosts.first { $0.name == host }?.stats ?? HostStats()
    }

    func file(_ path: String) -> String? {
        try? String(contentsOfFile: "\(directory)/\(path)", encoding: .utf8)
    }
}
