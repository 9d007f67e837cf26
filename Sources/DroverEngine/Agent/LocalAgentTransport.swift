import DroverSSH

/// The agent as a child process over pipes (`connection: local`): the same
/// requests as over SSH, without sshd.
public struct LocalAgentTransport: AgentTransport {
    let process: LocalProcess
    public let hostName: String

    public static func start(hostName: String, script: AgentScript, become: BecomeSpec? = nil,
                             timeout: Duration = .seconds(30)) async throws -> LocalAgentTransport {
        do {
            let process = try LocalProcess(name: hostName, arguments: AgentLaunch.localArguments(script: script, become: become))
            let transport = LocalAgentTransport(process: process, hostName: hostName)
            let token = AgentFrame.newToken()
            let hello = try await process.exchange(request: AgentFrame.request("hello", [], token: token), timeout: timeout,
                                                   frame: AgentFrame.ResponseDetector())
            try AgentClient.checkHello(hello, token: token, host: hostName)
            return transport
        } catch let error as SSHError {
            throw AgentError(.startFailed, host: hostName, "cannot start the local agent: \(error.message)")
        }
    }

    public func exchange<Decoder: ResponseDecoder>(_ request: [UInt8], timeout: Duration?,
                                                   interruption: (any ExchangeInterruption)?,
                                                   decoder: Decoder) async throws -> Decoder {
        do {
            return try await process.exchange(request: request, timeout: timeout, interruption: interruption, decoder: decoder)
        } catch let error as SSHError {
            throw AgentError.from(error)
        }
    }

    public func close() async {
        await process.end()
    }
}
