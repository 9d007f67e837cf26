import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// fetch and find end to end on real sshd hosts (h19, h20).
@Suite("Transfer modules: fetch, find")
struct TransferFetchFindTests {
    static let fetchPlaybook = """
        - hosts: all
          gather_facts: false
          tasks:
            - fetch: { src: "{{ work }}/data/report.txt", dest: fetched }
              register: tree
            - fetch: { src: "{{ work }}/data/report.txt", dest: flat/, flat: true }
              register: flat
            - fetch: { src: "{{ work }}/data/missing.txt", dest: fetched, fail_on_missing: false }
              register: missing
            - fetch: { src: "{{ work }}/data", dest: fetched }
              register: directory
              ignore_errors: true
        """

    @Test("fetch: dest/HOST/PATH and flat, SHA-1 checked, unchanged on a second run, nothing written in check mode")
    func fetch() async throws {
        let harness = try PlaybookHarness("transfer-fetch", hosts: [19])
        let work = "\(harness.directory)/h19"
        try FileManager.default.createDirectory(atPath: "\(work)/data", withIntermediateDirectories: true)
        try "report line\n".write(toFile: "\(work)/data/report.txt", atomically: true, encoding: .utf8)
        let treeCopy = "\(harness.directory)/fetched/h19\(work)/data/report.txt"
        let flatCopy = "\(harness.directory)/flat/report.txt"

        var check = RunOptions()
        check.checkMode = true
        let (checked, _) = try await harness.run(Self.fetchPlaybook, options: check)
        #expect(harness.stats(checked, "h19").changed == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(harness.directory)/fetched"))
        #expect(!FileManager.default.fileExists(atPath: "\(harness.directory)/flat"))

        let (first, observer) = try await harness.run(Self.fetchPlaybook)
        #expect(harness.stats(first, "h19").changed == 2)
        #expect(harness.stats(first, "h19").failed == 0)
        #expect(harness.stats(first, "h19").ignored == 1)
        #expect(harness.file("fetched/h19\(work)/data/report.txt") == "report line\n")
        #expect(harness.file("flat/report.txt") == "report line\n")
        let results = await observer.transferResults("h19")
        let sum = try sha1(ofFile: "\(work)/data/report.txt")
        #expect(results[0].transferValue("dest") == .string(treeCopy))
        #expect(results[0].transferValue("checksum") == .string(sum))
        #expect(results[0].transferValue("remote_checksum") == .string(sum))
        #expect(results[0].transferValue("remote_md5sum") == .null)
        #expect(results[0].transferValue("md5sum")?.text.count == 32)
        #expect(results[1].transferValue("dest") == .string(flatCopy))
        #expect(results[2].transferValue("msg") == .string("the remote file does not exist, not transferring, ignored"))
        #expect(results[2].transferValue("failed") == .bool(false))
        #expect(results[3].transferValue("msg") == .string("remote file is a directory, fetch cannot work on directories"))

        let (second, again) = try await harness.run(Self.fetchPlaybook)
        #expect(harness.stats(second, "h19").changed == 0)
        #expect(await again.transferResults("h19")[0].transferValue("checksum") == .string(sum))

        try "report line\nmore\n".write(toFile: "\(work)/data/report.txt", atomically: true, encoding: .utf8)
        let (third, _) = try await harness.run(Self.fetchPlaybook)
        #expect(harness.stats(third, "h19").changed == 2)
        #expect(harness.file("flat/report.txt") == "report line\nmore\n")

        // flat without a trailing slash onto an existing directory fails, as Ansible.
        let (refused, failed) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - fetch: { src: "{{ work }}/data/report.txt", dest: flat, flat: true }
            """)
        #expect(harness.stats(refused, "h19").failed == 1)
        #expect(await failed.transferResults("h19")[0].transferValue("msg")?.text.contains("use a trailing slash") == true)
    }

    func makeTree(_ root: String) throws {
        let fm = FileManager.default
        for dir in ["tree/sub/deep", "tree/.hdir"] { try fm.createDirectory(atPath: "\(root)/\(dir)", withIntermediateDirectories: true) }
        let files = [
            "tree/a.log": "0123456789", "tree/b.txt": "hello world\nsecond line\n", "tree/.hidden.log": "h",
            "tree/old.log": "old", "tree/sub/c.log": String(repeating: "x", count: 2000),
            "tree/sub/deep/d.log": "d", "tree/.hdir/e.log": "e", "notadir": "plain file",
        ]
        for (path, text) in files { try text.write(toFile: "\(root)/\(path)", atomically: false, encoding: .utf8) }
        try fm.createSymbolicLink(atPath: "\(root)/tree/link.log", withDestinationPath: "\(root)/tree/a.log")
        let threeDaysAgo = Date().addingTimeInterval(-3 * 86400)
        try fm.setAttributes([.modificationDate: threeDaysAgo, .posixPermissions: 0o600], ofItemAtPath: "\(root)/tree/old.log")
    }

    static let findPlaybook = #"""
        - hosts: all
          gather_facts: false
          vars: { t: "{{ work }}/tree" }
          tasks:
            - find: { paths: "{{ t }}", patterns: "*.log" }
            - find: { paths: "{{ t }}", patterns: "*.log", recurse: true }
            - find: { paths: "{{ t }}", patterns: "*.log", recurse: true, depth: 2 }
            - find: { paths: "{{ t }}", patterns: "*.log", age: 2d }
            - find: { paths: "{{ t }}", patterns: "*.log", age: -1d }
            - find: { paths: "{{ t }}", recurse: true, size: 1k }
            - find: { paths: "{{ t }}", patterns: "*.txt", contains: "^second" }
            - find: { paths: "{{ t }}", use_regex: true, patterns: ['^[ab]\.(log|txt)$'] }
            - find: { paths: "{{ t }}", use_regex: true, patterns: ['^[ab]\.(log|txt)$'], excludes: 'b.*' }
            - find: { paths: "{{ t }}", recurse: true, file_type: directory }
            - find: { path: "{{ t }}", file_type: link }
            - find: { paths: "{{ t }}", patterns: "*.log", hidden: true }
            - find: { paths: "{{ t }}", patterns: a.log, get_checksum: true }
            - find: { paths: ["{{ t }}", "{{ work }}/notadir"], patterns: a.log }
            - find: { paths: "{{ t }}", recurse: true, limit: 1 }
            - find: { paths: "{{ t }}", mode: "0600" }
            - find: { paths: "{{ t }}", patterns: "*.log,*.txt", file_type: any }
        """#

    @Test("find: patterns, regexes, age, size, contains, depth, hidden, types, checksums; never changed")
    func find() async throws {
        let harness = try PlaybookHarness("transfer-find", hosts: [20])
        let work = "\(harness.directory)/h20"
        try makeTree(work)
        let tree = "\(work)/tree"
        for checkMode in [false, true] {
            var options = RunOptions()
            options.checkMode = checkMode
            let (recap, observer) = try await harness.run(Self.findPlaybook, options: options)
            #expect(harness.stats(recap, "h20").changed == 0)
            #expect(harness.stats(recap, "h20").failed == 0)
            let results = await observer.transferResults("h20")
            try #require(results.count == 17)
            func names(_ i: Int) -> [String] {
                (results[i].transferValue("files")?.transferList ?? []).map {
                    String(($0.transferValue("path")?.text ?? "").dropFirst(tree.count + 1))
                }
            }
            #expect(names(0) == ["a.log", "old.log"])
            #expect(results[0].transferValue("examined")?.transferInt == 7)
            #expect(results[0].transferValue("matched")?.transferInt == 2)
            #expect(results[0].transferValue("msg") == .string("All paths examined"))
            #expect(names(1) == ["a.log", "old.log", ".hdir/e.log", "sub/c.log", "sub/deep/d.log"])
            #expect(results[1].transferValue("examined")?.transferInt == 11)
            #expect(names(2) == ["a.log", "old.log", ".hdir/e.log", "sub/c.log"])
            #expect(names(3) == ["old.log"])
            #expect(names(4) == ["a.log"])
            #expect(names(5) == ["sub/c.log"])
            #expect(names(6) == ["b.txt"])
            #expect(names(7) == ["a.log", "b.txt"])
            #expect(names(8) == ["a.log"])
            #expect(names(9) == ["sub", "sub/deep"])
            #expect(names(10) == ["link.log"])
            #expect(names(11) == [".hidden.log", "a.log", "old.log"])
            let file = results[12].transferValue("files")?.transferList.first
            #expect(file?.transferValue("checksum") == .string(try sha1(ofFile: "\(tree)/a.log")))
            #expect(file?.transferValue("size")?.transferInt == 10)
            #expect(file?.transferValue("mode") == .string("0644"))
            #expect(file?.transferValue("isreg") == .bool(true))
            #expect(file?.transferValue("islnk") == .bool(false))
            #expect(file?.transferValue("pw_name") == .string(NSUserName()))
            #expect(names(13) == ["a.log"])
            #expect(results[13].transferValue("skipped_paths", "\(work)/notadir") == .string("'\(work)/notadir' is not a directory"))
            #expect(results[13].transferValue("msg") == .string("Not all paths examined, check warnings for details"))
            #expect(results[14].transferValue("matched")?.transferInt == 1)
            #expect(results[14].transferValue("msg") == .string("Limit of matches reached"))
            #expect(names(15) == ["old.log"])
            #expect(names(16) == ["a.log", "b.txt", "link.log", "old.log"])
        }
    }
}
