import DroverCore
@testable import DroverEngine
@testable import DroverStore
import DroverTestSupport
import Foundation
import Testing

@Suite("drover logs and drover diff")
struct LogsAndDiffTests {
    @Test("logs select results by host, task number or title, and stream")
    func logs() async throws {
        let temp = try TemporaryStore("logs")
        defer { temp.close() }
        let id = try await record(temp.store, [
            report("h1", "gather", .ok, module: "debug"),
            report("h1", "build app", .changed, stdout: "built h1\n", stderr: "warn h1\n", rc: 0),
            report("h2", "build app", .changed, stdout: "built h2\n", stderr: "", rc: 0),
            report("h1", "build docs", .changed, stdout: "docs\n", rc: 0),
        ])
        func select(_ host: String? = nil, _ task: String? = nil, stderr: Bool = false) throws -> [String] {
            try temp.store.logs(id, LogSelection(host: host, task: task, stderr: stderr)).filter(\.recorded).map {
                "\($0.host) \($0.task): " + String(decoding: try temp.store.output(resultID: $0.resultID, stderr: stderr), as: UTF8.self)
            }
        }
        #expect(try select() == ["h1 build app: built h1\n", "h2 build app: built h2\n", "h1 build docs: docs\n"])
        #expect(try select("h2") == ["h2 build app: built h2\n"])
        #expect(try select(nil, "2") == ["h1 build app: built h1\n", "h2 build app: built h2\n"])
        #expect(try select(nil, "build app") == ["h1 build app: built h1\n", "h2 build app: built h2\n"])
        #expect(try select(nil, "BUILD") == ["h1 build app: built h1\n", "h2 build app: built h2\n", "h1 build docs: docs\n"])
        #expect(try select("h1", "build app", stderr: true) == ["h1 build app: warn h1\n"])
        // The debug task recorded no stdout; it matches but has nothing to print.
        let gather = try await temp.store.logs(id, LogSelection(task: "gather"))
        #expect(gather.count == 1 && !gather[0].recorded)
        #expect(gather[0].header == "==> [h1] gather <==")
        let entry = try #require(try await temp.store.logs(id, LogSelection(host: "h1", task: "build app")).first)
        #expect(entry.size == 9)

        #expect(throws: StoreError.self) { try temp.store.logs(id + 1, LogSelection()) }
        do {
            _ = try await temp.store.logs(id, LogSelection(host: "h9"))
            Issue.record("an unknown host should throw")
        } catch let error as StoreError {
            #expect(error.message.contains("its hosts are: h1, h2"))
        }
        do {
            _ = try await temp.store.logs(id, LogSelection(task: "deploy"))
            Issue.record("an unknown task should throw")
        } catch let error as StoreError {
            #expect(error.message.contains("1 gather, 2 build app, 3 build docs"), "\(error.message)")
        }
        #expect(throws: StoreError.self) { try temp.store.logs(id, LogSelection(task: "7")) }
    }

    @Test("diff reports new failures first, fixed ones, status changes, changed output, and what only one run has")
    func diff() async throws {
        let temp = try TemporaryStore("diff")
        defer { temp.close() }
        let a = try await record(temp.store, [
            report("h1", "install", .changed, stdout: "v1\n", rc: 0),
            report("h2", "install", .changed, stdout: "v1\n", rc: 0),
            report("h3", "install", .changed, stdout: "v1\n", rc: 0),
            report("h1", "migrate", .failed, stderr: "locked\n", rc: 3, msg: "non-zero return code"),
            report("h2", "migrate", .ok, stdout: "one\ntwo\nthree\nfour\nfive\nsix\nseven\n", rc: 0),
            report("h1", "restart", .changed, rc: 0),
            report("h1", "restart", .changed, rc: 0),
            report("h1", "old task", .ok, rc: 0),
            report("h1", "loop", .ok, item: "a"),
            report("h1", "loop", .ok, item: "b"),
        ])
        let b = try await record(temp.store, [
            report("h1", "install", .changed, stdout: "v1\n", rc: 0),
            report("h2", "install", .failed, stdout: "v2\n", stderr: "conflict\n", rc: 1, msg: "package conflict\nmore"),
            report("h4", "install", .changed, stdout: "v1\n", rc: 0),
            report("h1", "migrate", .ok, rc: 0),
            report("h2", "migrate", .ok, stdout: "one\ntwo\nthree\nFOUR\nfive\nsix\nseven\neight\n", rc: 0),
            report("h1", "restart", .changed, rc: 0),
            report("h1", "restart", .ok, rc: 0),
            report("h1", "new task", .ok, rc: 0),
            report("h1", "loop", .ok, item: "a"),
            report("h1", "loop", .failed, item: "c", ignored: true),
        ])
        let diff = try await temp.store.diff(a, b)
        #expect(!diff.isEmpty)
        #expect(diff.newFailures.map(\.key.label) == ["[h2] install"])
        #expect(diff.newFailures.first?.after.msg == "package conflict\nmore")
        #expect(diff.fixedFailures.map(\.key.label) == ["[h1] migrate"])
        #expect(diff.statusChanges.map(\.key.label) == ["[h1] restart #2"])
        #expect(diff.changedOutputs.map(\.key.label) == ["[h2] install", "[h2] migrate"])
        let migrate = try #require(diff.changedOutputs.last)
        #expect(migrate.diff == ["@@ -1,7 +1,8 @@", " one", " two", " three", "-four", "+FOUR", " five", " six", " seven", "+eight"])
        #expect(diff.onlyInA.map(\.label) == ["[h1] old task", "[h1] loop (item=b)"])
        #expect(diff.onlyInB.map(\.label) == ["[h1] new task", "[h1] loop (item=c)"])
        #expect(diff.hostsOnlyInA == ["h3"])
        #expect(diff.hostsOnlyInB == ["h4"])
        #expect(diff.compared == 7)

        let lines = diff.report(verbose: true)
        #expect(lines.first == "new failures (1):")
        #expect(lines[1] == "  [h2] install: changed rc=0 → failed rc=1: package conflict …")
        let order = ["new failures", "fixed", "status changes", "changed output", "tasks only in run \(a)", "tasks only in run \(b)",
                     "hosts only in run \(a)", "hosts only in run \(b)", "runs \(a) and \(b) differ"]
        let positions = order.map { title in lines.firstIndex { $0.hasPrefix(title) } ?? -1 }
        #expect(positions == positions.sorted() && !positions.contains(-1), "\(lines.joined(separator: "\n"))")

        let same = try await temp.store.diff(a, a)
        #expect(same.isEmpty)
        #expect(same.report() == ["runs \(a) and \(a) do not differ (10 results compared)"])
        #expect(throws: StoreError.self) { try temp.store.diff(a, b + 1) }
    }

    @Test("unified diffs have diff -u hunks with three lines of context, and are cut short")
    func unified() {
        let before = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...30).map { "line \($0)" }
        lines[1] = "LINE 2"
        lines[24] = "LINE 25"
        lines.remove(at: 27)
        let after = lines.joined(separator: "\n") + "\n"
        let diff = RunDiffLines.unified(before, after, maxLines: 100)
        #expect(diff == [
            "@@ -1,5 +1,5 @@", " line 1", "-line 2", "+LINE 2", " line 3", " line 4", " line 5",
            "@@ -22,9 +22,8 @@", " line 22", " line 23", " line 24", "-line 25", "+LINE 25", " line 26", " line 27",
            "-line 28", " line 29", " line 30",
        ])
        let cut = RunDiffLines.unified(before, after, maxLines: 4)
        #expect(cut.count == 5 && cut.last?.hasPrefix("… 14 more diff lines") == true)
        #expect(RunDiffLines.unified("", "new\n") == ["@@ -0,0 +1 @@", "+new"])
        #expect(RunDiffLines.unified("a\n", "a") == ["\\ no newline at the end of run B's output"])
        // Six unchanged lines between two changes: one hunk, as diff -u prints it.
        var close = (1...30).map { "line \($0)" }
        close[2] = "LINE 3"
        close[9] = "LINE 10"
        #expect(RunDiffLines.unified(before, close.joined(separator: "\n") + "\n", maxLines: 100).filter { $0.hasPrefix("@@") }
                == ["@@ -1,13 +1,13 @@"])
    }

    @Test("diff groups results by task and outcome with their hosts summarised; verbose lists each host")
    func grouped() async throws {
        let temp = try TemporaryStore("diff-grouped")
        defer { temp.close() }
        let hosts = (1...7).map { "h\($0)" }
        let a = try await record(temp.store, hosts.map { report($0, "install", .changed, stdout: "v1\n", rc: 0) }
            + hosts.map { report($0, "restart", .changed, rc: 0) })
        let b = try await record(temp.store, hosts.map { report($0, "install", $0 == "h7" ? .changed : .failed, stdout: "v2\n", rc: $0 == "h7" ? 0 : 1,
                                                                 msg: $0 == "h7" ? nil : "conflict") }
            + hosts.prefix(2).map { report($0, "restart", .ok, rc: 0) })
        let lines = try await temp.store.diff(a, b).report()
        #expect(lines == [
            "new failures (6):",
            "  install on 6 hosts (h1, h2, h3, h4, h5, …): changed rc=0 → failed rc=1: conflict",
            "status changes (2):",
            "  restart on 2 hosts (h1, h2): changed rc=0 → ok rc=0",
            "changed output (7):",
            "  install on 7 hosts (h1, h2, h3, h4, h5, …): stdout differs",
            "    @@ -1 +1 @@", "    -v1", "    +v2",
            "tasks only in run \(a) (5):",
            "  restart on 5 hosts (h3, h4, h5, h6, h7)",
            "runs \(a) and \(b) differ: 6 new failures, 0 fixed, 2 other status changes, 7 changed outputs, 5 tasks and 0 hosts in one run only (9 results compared)",
        ], "\(lines.joined(separator: "\n"))")
        let long = try await temp.store.diff(a, b).report(verbose: true)
        let perHost = long.filter { $0.hasPrefix("  [") }.count
        #expect(perHost == 20)
        #expect(long.contains("  [h3] restart"))
    }

    @Test("diff says on its first line when the runs ran different playbooks, and still compares them")
    func differentPlaybooks() async throws {
        let temp = try TemporaryStore("diff-playbooks")
        defer { temp.close() }
        let a = try await record(temp.store, [report("h1", "install", .changed, rc: 0)], info: runInfo("site.yml"))
        let b = try await record(temp.store, [report("h1", "install", .failed, rc: 1)], info: runInfo("other.yml"))
        let c = try await record(temp.store, [report("h1", "install", .changed, rc: 0)], info: runInfo("other.yml"))
        let lines = try await temp.store.diff(a, b).report()
        #expect(lines.first == "runs \(a) and \(b) ran different playbooks (/srv/playbooks/site.yml and /srv/playbooks/other.yml); "
                + "their results are matched by host and task title")
        #expect(lines.contains("  install on h1: changed rc=0 → failed rc=1"), "\(lines)")
        #expect(try await temp.store.diff(a, c).report().first?.hasPrefix("runs \(a) and \(c) ran different playbooks") == true)
        #expect(try await temp.store.diff(b, c).report().first?.hasPrefix("new failures") == false)
        #expect(try await temp.store.diff(b, c).report().first == "fixed (1):")
    }

    @Test("host summaries name a few hosts and count the rest")
    func hostSummary() {
        #expect(HostSummary.named(["h1"]) == "h1")
        #expect(HostSummary.named(["h1", "h2"]) == "2 hosts (h1, h2)")
        #expect(HostSummary.named((1...18).map { "h\($0)" }) == "18 hosts (h1, h2, h3, h4, h5, …)")
        #expect(HostSummary.tally(Array(repeating: .changed, count: 18) + [.ok, .ok]) == "changed on 18 hosts, ok on 2")
        #expect(HostSummary.tally([.skipped, .failed]) == "failed on 1 host, skipped on 1")
        #expect(HostSummary.tally([.ok, .unreachable, .unreachable, .cancelled]) == "unreachable on 2 hosts, cancelled on 1, ok on 1")
    }
}
