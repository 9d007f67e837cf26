import DroverCore
import DroverEngine
import DroverSSH

/// Opens the SSH connection for a host from its Ansible variables and
/// starts the agent on it; one connection per host, shared by its agents.
public actor SSHConnector: HostConnector {
    let options: ConnectionSettings
    private var connections: [String: Swift.Task<SSHConnection, any Error>] = [:]

    public init(options: ConnectionSettings) {
        self.options = options
    }

    public func connect(host: String, variables: [String: Value], become: BecomeSpec?, script: AgentScript) async throws -> any AgentTransport {
        let connection: SSHConnection
        do {
            connection = try await self.connection(host, variables)
        } catch let error as SSHError {
            throw AgentError(error.isUnreachable ? .unreachable : .startFailed, host: host, error.message)
        }
        return try await SSHAgentTransport.start(on: connection, script: script, become: become)
    }

    public func shutdown() async {
        for task in connections.values {
            if let connection = try? await task.value { await connection.close() }
        }
        connections.removeAll()
    }

    private func connection(_ host: String, _ variables: [String: Value]) async throws -> SSHConnection {
        if let existing = connections[host] {
            if let connection = try? await existing.value, await connection.isConnected { return connection }
        }
        let target = try SSHTarget(host: host, vars: variables, options: options)
        let task = Swift.Task { try await SSHConnection.connect(to: target) }
        connections[host] = task
        do {
            return try await task.value
        } catch {
            connections[host] = nil
            throw error
        }
    }
}
