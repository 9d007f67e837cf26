/// The end of a run: every host's counts, in order, and how long it took.
public struct RunRecap: Sendable {
    public var hosts: [(name: String, stats: HostStats)]
    public var duration: Duration

    public init(hosts: [(name: String, stats: HostStats)], duration: Duration) {
        self.hosts = hosts
        self.duration = duration
    }

    /// ansible-playbook's exit status: 2 when a host failed, 4 when one was
    /// unreachable (and none failed), else 0.
    public var exitCode: Int32 {
        if hosts.contains(where: { $0.stats.failed > 0 }) { return 2 }
        if hosts.contains(where: { $0.stats.unreachable > 0 }) { return 4 }
        return 0
    }

    /// The status a run that ended with this recap is recorded with.
    public var status: RunStatus {
        if hosts.contains(where: { $0.stats.cancelled > 0 }) { return .cancelled }
        return exitCode == 0 ? .succeeded : .failed
    }
}
