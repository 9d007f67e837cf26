import DroverCore
import DroverEngine
import DroverSSH
import Foundation

/// Connects test hosts `hN` to 127.0.1.N with the fixture's key, or to
/// BASE.N with the keys of another `ops/testhosts` directory.
public struct TestHostConnector: HostConnector {
    let connections: ConnectionCache

    public init(base: String? = nil, directory: String? = nil) {
        connections = ConnectionCache(base: base, directory: directory)
    }

    public func connect(host: String, variables: [String: Value], become: BecomeSpec?, script: AgentScript) async throws -> any AgentTransport {
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

    public func shutdown() async { await connections.closeAll() }
}

public actor ConnectionCache {
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
public actor CollectingObserver: RunObserver {
    public private(set) var reports: [HostTaskReport] = []
    public private(set) var titles: [String] = []
    /// The id of each started task, in the order they started.
    public private(set) var taskIDs: [TaskID] = []
    public private(set) var messages: [String] = []

    public init() {}
    public func playStarted(_ play: Play, hosts: [String]) {}
    public func taskStarted(_ title: String, id: TaskID, task: DroverCore.Task?, hosts: Int, handler: Bool) {
        titles.append(title)
        taskIDs.append(id)
    }
    public func hostReported(_ report: HostTaskReport) { reports.append(report) }
    public func message(_ text: String) { messages.append(text) }
    public func runFinished(_ recap: RunRecap) {}

    public func results(_ host: String) -> [HostTaskReport] { reports.filter { $0.host == host } }
}

/// Writes a playbook and an inventory of test hosts to a scratch directory
/// and runs it with the real engine and agent.
public struct PlaybookHarness {
    public let directory: String
    public let hosts: [Int]
    public static let script = try! AgentScript(path: TestHosts.repositoryRoot.appendingPathComponent("agents/posix/drover-agent.sh").path)

    public init(_ label: String, hosts: [Int], extraInventory: String = "") throws {
        directory = try scratchDirectory(label)
        self.hosts = hosts
        var inventory = "[testhosts]\n"
        for i in hosts { inventory += "h\(i) work=\(directory)/h\(i)\n" }
        inventory += extraInventory
        try inventory.write(toFile: "\(directory)/inventory", atomically: true, encoding: .utf8)
    }

    public func write(_ name: String, _ text: String) throws {
        let path = "\(directory)/\(name)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    public func run(_ playbook: String, options: RunOptions = RunOptions(),
                    connector: any HostConnector = TestHostConnector(),
                    observe: ((CollectingObserver) async throws -> any RunObserver)? = nil) async throws -> (RunRecap, CollectingObserver) {
        try write("site.yml", playbook)
        let parsed = try PlaybookParser(extraVariableNames: Set(options.extraVars.keys)).parse(file: "\(directory)/site.yml")
        let inventory = try Inventory.load("\(directory)/inventory")
        let collecting = CollectingObserver()
        // A recorder (or any observer) can sit in front of the collecting one.
        let observer = try await observe?(collecting) ?? collecting
        let runner = PlaybookRunner(playbook: parsed, inventory: inventory, options: options,
                                    connector: connector, script: Self.script, observer: observer)
        return (try await runner.run(), collecting)
    }

    public func stats(_ recap: RunRecap, _ host: String) -> HostStats {
        recap.hosts.first { $0.name == host }?.stats ?? HostStats()
    }

    public func file(_ path: String) -> String? {
        try? String(contentsOfFile: "\(directory)/\(path)", encoding: .utf8)
    }
}
