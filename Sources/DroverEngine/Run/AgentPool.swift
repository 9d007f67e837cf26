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

    init(connector: any HostConnector, script: AgentScript) {
        self.connector = connector
        self.script = script
    }

    func agent(for host: String, variables: [String: Value], become: BecomeSpec?) async throws -> AgentClient {
        let key = Key(host: host, become: become)
        if let existing = agents[key] { return try await existing.value }
        let connector = self.connector, script = self.script
        let task = Swift.Task<AgentClient, any Error> {
            let connection = variables["ansible_connection"]?.text
            let isLocal = connection == "local"
                || (connection == nil && ["localhost", "127.0.0.1", "::1"].contains(host) && variables["ansible_host"] == nil)
            if isLocal {
                return AgentClient(try await LocalAgentTransport.start(hostName: host, script: script, become: become))
            }
            return AgentClient(try await connector.connect(host: host, variables: variables, become: become, script: script))
        }
        agents[key] = task
        do {
            return try await task.value
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
