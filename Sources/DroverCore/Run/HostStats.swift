/// Ansible's PLAY RECAP counts for one host, plus the tasks a cancel stopped.
public struct HostStats: Sendable, Equatable, Codable {
    public var ok = 0, changed = 0, unreachable = 0, failed = 0, skipped = 0, rescued = 0, ignored = 0
    public var cancelled = 0

    public init(ok: Int = 0, changed: Int = 0, unreachable: Int = 0, failed: Int = 0, skipped: Int = 0,
                rescued: Int = 0, ignored: Int = 0, cancelled: Int = 0) {
        self.ok = ok
        self.changed = changed
        self.unreachable = unreachable
        self.failed = failed
        self.skipped = skipped
        self.rescued = rescued
        self.ignored = ignored
        self.cancelled = cancelled
    }
}
