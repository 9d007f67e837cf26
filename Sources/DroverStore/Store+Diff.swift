import Foundation
import GRDB

extension Store {
    /// Compares run `a` with run `b` (usually the later one) per host and
    /// task; see `RunDiff`. Throws `notFound` for an unknown run.
    public func diff(_ a: Int64, _ b: Int64, maxDiffLines: Int = 20) throws -> RunDiff {
        let (rowsA, hostsA, playbookA) = try diffRows(a)
        let (rowsB, hostsB, playbookB) = try diffRows(b)
        var diff = RunDiff(runA: a, runB: b)
        diff.playbookA = playbookA
        diff.playbookB = playbookB
        diff.hostsOnlyInA = hostsA.subtracting(hostsB).sorted()
        diff.hostsOnlyInB = hostsB.subtracting(hostsA).sorted()
        let shared = hostsA.intersection(hostsB)
        var byKeyA: [RunDiff.TaskKey: DiffRow] = [:]
        for row in rowsA { byKeyA[row.key] = row }
        var matched = Set<RunDiff.TaskKey>()
        for after in rowsB where shared.contains(after.key.host) {
            guard let before = byKeyA[after.key] else {
                diff.onlyInB.append(after.key)
                continue
            }
            matched.insert(after.key)
            diff.compared += 1
            let change = RunDiff.Change(key: after.key, before: before.outcome, after: after.outcome)
            if after.outcome.isFailure && !before.outcome.isFailure {
                diff.newFailures.append(change)
            } else if before.outcome.isFailure && !after.outcome.isFailure {
                diff.fixedFailures.append(change)
            } else if before.outcome.status != after.outcome.status || before.outcome.ignored != after.outcome.ignored
                        || before.outcome.rc != after.outcome.rc {
                diff.statusChanges.append(change)
            }
            if !before.sameOutput(as: after) {
                let lines = RunDiffLines.unified(String(decoding: stdout(of: before), as: UTF8.self),
                                                 String(decoding: stdout(of: after), as: UTF8.self), maxLines: maxDiffLines)
                diff.changedOutputs.append(RunDiff.OutputChange(key: after.key, before: before.outcome, after: after.outcome, diff: lines))
            }
        }
        diff.onlyInA = rowsA.filter { shared.contains($0.key.host) && !matched.contains($0.key) }.map(\.key)
        return diff
    }

    /// The same on a Dispatch thread: it reads both runs and their blob
    /// files, which would block the cooperative pool.
    public func diff(_ a: Int64, _ b: Int64, maxDiffLines: Int = 20) async throws -> RunDiff {
        try await BlobStore.offThePool { try self.diff(a, b, maxDiffLines: maxDiffLines) }
    }

    /// A run's results keyed for matching, in task order, its hosts and its playbook.
    private func diffRows(_ id: Int64) throws -> ([DiffRow], Set<String>, String) {
        try pool.read { db in
            guard let playbook = try String.fetchOne(db, sql: "SELECT playbook FROM runs WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no run \(id): `drover runs` lists the recorded ones")
            }
            var hosts = Set(try String.fetchAll(db, sql: "SELECT host FROM run_hosts WHERE run_id = ?", arguments: [id]))
            var occurrences: [RunDiff.TaskKey: Int] = [:]
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT id, task, host, item, status, ignored, rc, msg, stdout, stdout_blob
                FROM task_results WHERE run_id = ? ORDER BY task_index, host, seq
                """, arguments: [id])
            var rows: [DiffRow] = []
            while let row = try cursor.next() {
                let host: String = row["host"]
                hosts.insert(host)
                var key = RunDiff.TaskKey(host: host, task: row["task"], item: row["item"], occurrence: 1)
                key.occurrence = (occurrences[key] ?? 0) + 1
                occurrences[RunDiff.TaskKey(host: key.host, task: key.task, item: key.item, occurrence: 1)] = key.occurrence
                rows.append(DiffRow(key: key,
                                    outcome: RunDiff.Outcome(resultID: row["id"], status: Self.taskStatus(row["status"]), ignored: row["ignored"],
                                                             rc: row["rc"], msg: row["msg"]),
                                    inline: row["stdout"], blob: row["stdout_blob"]))
            }
            return (rows, hosts, playbook)
        }
    }

    private func stdout(of row: DiffRow) -> [UInt8] {
        if let blob = row.blob { return (try? blobs.get(blob)) ?? Array("(blob \(blob) is missing)".utf8) }
        return row.inline.map(Array.init) ?? []
    }
}

/// One result as `Store.diff` compares it.
private struct DiffRow {
    var key: RunDiff.TaskKey
    var outcome: RunDiff.Outcome
    var inline: Data?
    var blob: String?

    /// Blobs are named by their SHA-256, so equal digests are equal bytes;
    /// a missing stream counts as empty.
    func sameOutput(as other: DiffRow) -> Bool {
        if let blob, let otherBlob = other.blob { return blob == otherBlob }
        if blob != nil || other.blob != nil { return false }
        return (inline ?? Data()) == (other.inline ?? Data())
    }
}
