import DroverCore
import Foundation

/// What differs between two recorded runs, per host and task: the
/// regression view of `drover diff`.
///
/// Results are matched by host name and by task title, loop item and
/// occurrence (the second `restart app` of a host is matched with the
/// second one of the other run).
public struct RunDiff: Sendable {
    /// How one side ended a task.
    public struct Outcome: Sendable, Equatable {
        public var resultID: Int64
        public var status: TaskStatus
        public var ignored: Bool
        public var rc: Int?
        public var msg: String?

        /// A failure that counts (not ignored).
        public var isFailure: Bool { status.isFailure && !ignored }

        /// `failed rc=2 (ignored)`.
        public var label: String {
            status.rawValue + (rc.map { " rc=\($0)" } ?? "") + (ignored ? " (ignored)" : "")
        }
    }

    /// One host's task, as named in both runs.
    public struct TaskKey: Sendable, Hashable {
        public var host: String
        public var task: String
        public var item: String?
        /// 1 for the first result with this title and item on this host, 2 for the second…
        public var occurrence: Int

        /// `[h1] restart app (item=x) #2`.
        public var label: String { "[\(host)] " + taskLabel }

        /// The same without the host: `restart app (item=x) #2`.
        public var taskLabel: String {
            task + (item.map { " (item=\($0))" } ?? "") + (occurrence > 1 ? " #\(occurrence)" : "")
        }
    }

    /// A task both runs have, that ended differently.
    public struct Change: Sendable {
        public var key: TaskKey
        public var before: Outcome
        public var after: Outcome
    }

    /// A task whose stdout differs, with a short unified diff of it.
    public struct OutputChange: Sendable {
        public var key: TaskKey
        public var before: Outcome
        public var after: Outcome
        /// Unified diff lines (`@@`, ` `, `-`, `+`), cut to a few lines.
        public var diff: [String]
    }

    public var runA: Int64
    public var runB: Int64
    /// The playbook each run ran (its path when recorded).
    public var playbookA = ""
    public var playbookB = ""
    /// Results present in both runs.
    public var compared = 0
    /// Failed in B, not in A.
    public var newFailures: [Change] = []
    /// Failed in A, not in B.
    public var fixedFailures: [Change] = []
    /// Other status changes (changed → ok, ok → skipped, failed → unreachable…).
    public var statusChanges: [Change] = []
    public var changedOutputs: [OutputChange] = []
    /// Tasks of hosts in both runs that only one run has.
    public var onlyInA: [TaskKey] = []
    public var onlyInB: [TaskKey] = []
    public var hostsOnlyInA: [String] = []
    public var hostsOnlyInB: [String] = []

    public init(runA: Int64, runB: Int64) {
        self.runA = runA
        self.runB = runB
    }

    /// True when the runs ended every task alike.
    public var isEmpty: Bool {
        newFailures.isEmpty && fixedFailures.isEmpty && statusChanges.isEmpty && changedOutputs.isEmpty
            && onlyInA.isEmpty && onlyInB.isEmpty && hostsOnlyInA.isEmpty && hostsOnlyInB.isEmpty
    }

    /// The first line of a message, cut to 160 characters.
    static func oneLine(_ text: String) -> String {
        let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let cut = first.count > 160 ? String(first.prefix(160)) + "…" : first
        return cut + (first.count < text.count ? " …" : "")
    }
}
