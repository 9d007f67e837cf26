import DroverSSH

/// A running agent on one host, as the engine sees it: send a request,
/// decode its response as it arrives. SSH channels, local pipes and the
/// in-memory test agent conform.
public protocol AgentTransport: Sendable {
    var hostName: String { get }
    /// One exchange; throws `AgentError` (unreachable, timeout, protocol).
    /// While it waits it writes what `interruption` asks for (kill requests).
    func exchange<Decoder: ResponseDecoder>(_ request: [UInt8], timeout: Duration?,
                                            interruption: (any ExchangeInterruption)?,
                                            decoder: Decoder) async throws -> Decoder
    /// Ends the agent (EOF on its stdin: it exits and removes its temp files).
    func close() async
    /// Network round trips its start took (channel, command, handshake, upload).
    var startRoundTrips: Int { get }
    /// The facts its start brought (`AgentScript.gatheringFacts`), once.
    func takeHelloFacts() -> String?
}

extension AgentTransport {
    /// Local and in-memory agents start without a network.
    public var startRoundTrips: Int { 0 }

    /// Local and in-memory agents ask for facts when they are needed.
    public func takeHelloFacts() -> String? { nil }

    /// One exchange whose response is one frame on stdout.
    public func roundTrip(_ request: [UInt8], timeout: Duration?,
                          interruption: (any ExchangeInterruption)? = nil) async throws -> [UInt8] {
        try await exchange(request, timeout: timeout, interruption: interruption,
                           decoder: FrameDecoder(AgentFrame.ResponseDetector())).frame
    }
}
