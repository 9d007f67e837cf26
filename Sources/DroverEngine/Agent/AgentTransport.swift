/// A running agent on one host, as the engine sees it: send a request frame,
/// get the response frame. SSH channels and local pipes both conform.
public protocol AgentTransport: Sendable {
    var hostName: String { get }
    /// One exchange; throws `AgentError` (unreachable, timeout, protocol).
    func roundTrip(_ request: [UInt8], timeout: Duration?) async throws -> [UInt8]
    /// Ends the agent (EOF on its stdin: it exits and removes its temp files).
    func close() async
}
