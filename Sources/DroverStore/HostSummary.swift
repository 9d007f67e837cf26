import DroverCore

/// Hosts summarised in a line that groups them (`drover show`, `drover diff`).
public enum HostSummary {
    /// How many hosts are named before the rest are left out.
    static let shownNames = 5

    /// `h2`, `3 hosts (h1, h2, h3)`, `18 hosts (h1, h2, h3, h4, h5, …)`.
    public static func named(_ hosts: [String]) -> String {
        if hosts.count == 1 { return hosts[0] }
        let names = hosts.prefix(shownNames).joined(separator: ", ") + (hosts.count > shownNames ? ", …" : "")
        return "\(hosts.count) hosts (\(names))"
    }

    /// `changed on 18 hosts, ok on 2`: how many hosts ended a task each
    /// way, failures first.
    public static func tally(_ statuses: [TaskStatus]) -> String {
        let order: [TaskStatus] = [.failed, .unreachable, .cancelled, .changed, .ok, .skipped]
        let counts = order.map { status in (status, statuses.count { $0 == status }) }.filter { $0.1 > 0 }
        return counts.enumerated().map { index, entry in
            let (status, count) = entry
            return "\(status.rawValue) on \(count)" + (index == 0 ? (count == 1 ? " host" : " hosts") : "")
        }.joined(separator: ", ")
    }
}
