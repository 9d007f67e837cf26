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
    private struct Key: Hashable { var host: String; var become: BecomeSpec? }
    private var agents: [Key: Swift.Task<AgentClient, any Error>] = [:]
    let connector: any HostConnector
    let script: AgentScript
    /// Every agent request of the run follows this stop signal.
    nonisolated let cancellation: RunCancellation
    /// Live output of the run's execs.
    nonisolated let relay = OutputRelay()

    init(connector: any HostConnector, script: AgentScript, cancellation: RunCancellation = RunCancellation()) {
        self.connector = connector
        self.script = script
        self.cancellation = cancellation
    }

    /// The host's agent, started on first use; `counter` pays for a start.
    /// The host's agent, started on first use; `gatheringFacts` when the
    /// task that starts it gathers facts (they come with its hello).
    func agent(for host: String, variables: [String: Value], become: BecomeSpec?,
               counter: RoundTripCounter? = nil, gatheringFacts: Bool = false) async throws -> AgentClient {
        let key = Key(host: host, become: become)
        if let existing = agents[key] { return try await existing.value }
        let connector = self.connector, cancellation = self.cancellation
        let script = gatheringFacts ? self.script.gatheringFacts() : self.script
        let task = Swift.Task<AgentClient, any Error> {
            let connection = variables["ansible_connection"]?.text
            let isLocal = connection == "local"
                || (connection == nil && ["localhost", "127.0.0.1", "::1"].contains(host) && variables["ansible_host"] == nil)
            var client: AgentClient
            if isLocal {
                client = AgentClient(try await LocalAgentTransport.start(hostName: host, script: script, become: become))
            } else {
                client = AgentClient(try await connector.connect(host: host, variables: variables, become: become, script: script))
            }
            client.cancellation = cancellation
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
