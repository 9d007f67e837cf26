/// What asking for a set of hosts gave: all of them, or none and why.
public enum LeaseOutcome: Sendable, Equatable, Codable {
    /// Every host asked for is now leased to the run.
    case acquired(hosts: [String])
    /// Nothing was taken: these hosts are held by other runs.
    case conflict([LeaseConflict])

    public var isAcquired: Bool {
        if case .acquired = self { return true }
        return false
    }

    /// What to tell the user on a conflict: who holds what, and what to do.
    public var message: String? {
        guard case .conflict(let conflicts) = self else { return nil }
        let runs = Set(conflicts.map(\.runID)).sorted().map(String.init).joined(separator: ", ")
        return conflicts.map(\.description).joined(separator: "\n")
            + "\nwait for run \(runs) to finish, or release its hosts with `drover locks release \(runs) --force` if it is stuck"
    }
}
