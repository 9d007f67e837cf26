import DroverSSH

/// The agent on one exec channel of an SSH connection.
public struct SSHAgentTransport: AgentTransport {
    public let connection: SSHConnection
    let process: ProcessChannelID
    /// Opening the channel, then the exec request with the hello behind it;
    /// one more to upload the agent.
    public private(set) var startRoundTrips = 2
    public var hostName: String { connection.target.name }
    /// The facts the start's hello brought, until the first `facts` call.
    let helloFacts = HelloFacts()

    public func takeHelloFacts() -> String? { helloFacts.take() }

    /// Starts the agent (uploading it into the host's cache first if it is
    /// not there) and checks the protocol handshake.
    public static func start(on connection: SSHConnection, script: AgentScript, become: BecomeSpec? = nil,
                             timeout: Duration = .seconds(30)) async throws -> SSHAgentTransport {
        let host = connection.target.name
        do {
            var token = AgentFrame.newToken()
            // The hello rides behind the exec request: channel, then command and hello, two round trips.
            let id = try await connection.startProcess(AgentLaunch.remoteCommand(script: script, become: become),
                                                       initialInput: AgentFrame.request("hello", script.helloFields, token: token))
            var transport = SSHAgentTransport(connection: connection, process: id)
            let start = try await connection.exchange(id, request: [], timeout: timeout, decoder: AgentStartDecoder())
            var hello = start.frame
            if start.needsUpload {
                transport.startRoundTrips += 1
                token = AgentFrame.newToken()
                hello = try await transport.roundTrip(script.bytes + AgentFrame.request("hello", script.helloFields, token: token), timeout: timeout)
            }
            let answer = try AgentClient.checkHello(hello, token: token, host: host)
            if !script.helloFields.isEmpty { transport.helloFacts.keep(answer.stdoutText) }
            return transport
        } catch let error as SSHError {
            throw AgentError(error.isUnreachable ? .unreachable : .startFailed, host: host,
                error.isUnreachable ? error.message : "cannot start the agent: \(error.message)")
        }
    }

    public func exchange<Decoder: ResponseDecoder>(_ request: [UInt8], timeout: Duration?,
                                                   interruption: (any ExchangeInterruption)?,
                                                   decoder: Decoder) async throws -> Decoder {
        do {
            return try await connection.exchange(process, request: request, timeout: timeout,
                                                 interruption: interruption, decoder: decoder)
        } catch let error as SSHError {
            throw AgentError.from(error)
        }
    }

    public func close() async {
        await connection.endProcess(process)
    }
}

extension AgentError {
    /// A transport failure in the middle of a run.
    static func from(_ error: SSHError) -> AgentError {
        switch error.code {
        case .timeout: return AgentError(.timeout, host: error.host, error.message)
        case .channelFailed: return AgentError(.unreachable, host: error.host, "the agent stopped: \(error.message)")
        default: return AgentError(error.isUnreachable ? .unreachable : .protocolError, host: error.host, error.message)
        }
    }
}
