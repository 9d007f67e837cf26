import Hummingbird
import Logging
import NIOCore

/// Each request's context: Hummingbird's core storage, the peer's address
/// (the auth layer decides on it) and the request id that every log line
/// of the request carries.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var requestID: String { id }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Every body is bounded: a launch is a few kilobytes.
    public var maxUploadSize: Int { APIRequest.maxBodyBytes }
}
