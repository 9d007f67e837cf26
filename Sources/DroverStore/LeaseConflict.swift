import Foundation

/// A host another run holds: which run, who started it, since when.
public struct LeaseConflict: Sendable, Equatable, Codable, CustomStringConvertible {
    public var host: String
    public var runID: Int64
    public var holder: String
    public var since: Date
    public var expiresAt: Date

    public init(host: String, runID: Int64, holder: String, since: Date, expiresAt: Date) {
        self.host = host
        self.runID = runID
        self.holder = holder
        self.since = since
        self.expiresAt = expiresAt
    }

    /// `web1 is held by run 12 (started by alice) since 2026-12-07T10:00:00Z`.
    public var description: String {
        "\(host) is held by run \(runID) (started by \(holder)) since \(since.formatted(.iso8601))"
    }
}
