import Foundation

/// A run's exclusive hold on a host, as `host_leases` keeps it.
public struct HostLease: Sendable, Equatable, Codable {
    public var host: String
    public var runID: Int64
    /// The user who started the run.
    public var holder: String
    /// The controller instance that runs it.
    public var instanceID: UUID
    public var acquiredAt: Date
    public var heartbeatAt: Date
    public var expiresAt: Date
    /// Past its expiry when listed: the next run that asks takes it over.
    public var expired: Bool

    public init(host: String, runID: Int64, holder: String, instanceID: UUID, acquiredAt: Date, heartbeatAt: Date,
                expiresAt: Date, expired: Bool) {
        self.host = host
        self.runID = runID
        self.holder = holder
        self.instanceID = instanceID
        self.acquiredAt = acquiredAt
        self.heartbeatAt = heartbeatAt
        self.expiresAt = expiresAt
        self.expired = expired
    }
}
