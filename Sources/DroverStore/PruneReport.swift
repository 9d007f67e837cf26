import Foundation

/// What `Store.prune` removed (or, in a dry run, would remove).
public struct PruneReport: Sendable {
    /// Runs that started before this were pruned.
    public var cutoff: Date
    public var dryRun: Bool
    /// The pruned runs' ids, oldest first.
    public var runs: [Int64] = []
    public var results = 0
    public var undoEntries = 0
    /// Runs left `running` before the cutoff, which prune keeps.
    public var keptRunning = 0
    /// Blobs no row names any more (their files are deleted).
    public var blobs = 0
    public var blobBytes = 0
    /// Files in the blob directory that no `blob_refs` row names (left by a
    /// write that failed) and that are over an hour old.
    public var strayFiles = 0
    public var strayBytes = 0

    public init(cutoff: Date, dryRun: Bool) {
        self.cutoff = cutoff
        self.dryRun = dryRun
    }

    /// 1, 2, 3, 7 → `1-3, 7`.
    public var runRanges: String {
        var parts: [String] = []
        var index = 0
        while index < runs.count {
            var end = index
            while end + 1 < runs.count, runs[end + 1] == runs[end] + 1 { end += 1 }
            parts.append(end == index ? "\(runs[index])" : "\(runs[index])-\(runs[end])")
            index = end + 1
        }
        return parts.joined(separator: ", ")
    }
}
