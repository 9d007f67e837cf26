import DroverCore
import DroverSSH

/// Opens a transport to a host from its variables (the CLI supplies SSH).
public protocol HostConnector: Sendable {
    func connect(host: String, variables: [String: Value], become: BecomeSpec?, script: AgentScript) async throws -> any AgentTransport
    /// Closes every connection (after the agents ended), before the process exits.
    func shutdown() async
}

/// One agent per host (and per become user) for the whole run, started on
/// first use. `ansible_connection: local`, and `localhost` without one, run
/// the agent as a local child process.
actor AgentPool {
    private struct Key: Hashable { var host: String; var become: BecomeSpec?; var local: Bool }
    private var agents: [Key: Swift.Task<AgentClient, any Error>] = [:]
    let connector: any HostConnector
    let script: AgentScript
    /// Every agent request of the run follows this stop signal.
    nonisolated let cancellation: RunCancellation
    /// Live output of the run's execs.
    nonisolated let relay = OutputRelay()
    /// Whether a local agent may start (`ControllerAccess`).
    let controllerAccess: ControllerAccess

    init(connector: any HostConnector, script: AgentScript, cancellation: RunCancellation = RunCancellation(),
         controllerAccess: ControllerAccess = .allowed) {
        self.connector = connector
        self.script = script
        self.cancellation = cancellation
        self.controllerAccess = controllerAccess
    }

    /// Whether the host's agent runs on the controller, as a local child process.
    static func runsLocally(_ host: String, variables: [String: Value]) -> Bool {
        let connection = variables["ansible_connection"]?.text
        return connection == "local"
            || (connection == nil && ["localhost", "127.0.0.1", "::1"].contains(host) && variables["ansible_host"] == nil)
    }

    /// The host's agent, started on first use; `counter` pays for a start.
    /// A local one is refused when the run forbids controller access,
    /// naming `location` (the task that asked). `gatheringFacts` when the
    /// task that starts it gathers facts: they come with its hello.
    func agent(for host: String, variables: [String: Value], become: BecomeSpec?,
               counter: RoundTripCounter? = nil, at location: SourceLocation? = nil,
               gatheringFacts: Bool = false) async throws -> AgentClient {
        let isLocal = Self.runsLocally(host, variables: variables)
        if isLocal && controllerAccess == .forbidden { throw ControllerAccessDenied(host: host, location: location) }
        // One host may be reached both ways in a run (`connection: local` on one task).
        let key = Key(host: host, become: become, local: isLocal)
        if let existing = agents[key] { return try await existing.value }
        let connector = self.connector, cancellation = self.cancellation
        let script = gatheringFacts ? self.script.gatheringFacts() : self.script
        let task = Swift.Task<AgentClient, any Error> {
            var client: AgentClient
            if isLocal {
                client = AgentClient(try await LocalAgentTransport.start(hostName: host, script: script, become: become))
            } else {
                client = AgentClient(try await connector.connect(host: host, variables: variables, become: become, script: script))
            }
            client.cancellation = cancellation
            client.contents = ContentCache()
            return client
        }
        agents[key] = task
        do {
            let client = try await task.value
            counter?.add(client.transport.startRoundTrips)
            return client
        } catch {
            agents[key] = nil
            throw error
        }
    }

    /// Drops a host's agents (after it became unreachable, or for reboot).
    func forget(_ host: String) async {
        for key in agents.keys where key.host == host {
            if let agent = try? await agents[key]?.value { await agent.transport.close() }
            agents[key] = nil
        }
    }

    func closeAll() async {
        for task in agents.values {
            if let agent = try? await task.value { await agent.transport.close() }
        }
        agents.removeAll()
    }
}
