import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// unarchive end to end on a real sshd host (h19).
@Suite("Transfer modules: unarchive")
struct TransferUnarchiveTests {
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - unarchive: { src: app.tgz, dest: "{{ work }}/tgz", list_files: true }
            - unarchive: { src: "{{ playbook_dir }}/files/app.zip", dest: "{{ work }}/zip", remote_src: true, list_files: true }
            - unarchive: { src: "{{ playbook_dir }}/files/app.tar.bz2", dest: "{{ work }}/bz2", remote_src: true }
            - unarchive: { src: "{{ playbook_dir }}/files/app.tar.xz", dest: "{{ work }}/xz", remote_src: true }
            - unarchive: { src: app.tar, dest: "{{ work }}/tar" }
            - unarchive: { src: app.tgz, dest: "{{ work }}/strip", extra_opts: ["--strip-components=1"] }
            - unarchive: { src: app.tgz, dest: "{{ work }}/other", creates: "{{ work }}/tgz/app/README" }
            - unarchive: { src: app.tgz, dest: "{{ work }}/missing" }
              ignore_errors: true
        """

    func prepare(_ harness: PlaybookHarness, work: String) throws {
        let fm = FileManager.default
        let fixture = "\(harness.directory)/fixture"
        try fm.createDirectory(atPath: "\(fixture)/app/bin", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: "\(fixture)/app/etc", withIntermediateDirectories: true)
        try "#!/bin/sh\necho run\n".write(toFile: "\(fixture)/app/bin/run.sh", atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(fixture)/app/bin/run.sh")
        try "port=80\n".write(toFile: "\(fixture)/app/etc/app.conf", atomically: true, encoding: .utf8)
        try "read me\n".write(toFile: "\(fixture)/app/README", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: "\(fixture)/app/current", withDestinationPath: "bin/run.sh")
        let files = "\(harness.directory)/files"
        try fm.createDirectory(atPath: files, withIntermediateDirectories: true)
        try runLocal(["tar", "czf", "\(files)/app.tgz", "app"], in: fixture)
        try runLocal(["tar", "cjf", "\(files)/app.tar.bz2", "app"], in: fixture)
        try runLocal(["tar", "cJf", "\(files)/app.tar.xz", "app"], in: fixture)
        try runLocal(["tar", "cf", "\(files)/app.tar", "app"], in: fixture)
        try runLocal(["zip", "-qry", "\(files)/app.zip", "app"], in: fixture)
        for dir in ["tgz", "zip", "bz2", "xz", "tar", "strip", "other"] {
            try fm.createDirectory(atPath: "\(work)/\(dir)", withIntermediateDirectories: true)
        }
    }

    @Test("unarchive: tar.gz/bz2/xz/tar and zip, controller or host source, extra_opts, creates; idempotent; check mode extracts nothing")
    func unarchive() async throws {
        let harness = try PlaybookHarness("transfer-unarchive", hosts: [19])
        let work = "\(harness.directory)/h19"
        try prepare(harness, work: work)
        let fm = FileManager.default

        var check = RunOptions()
        check.checkMode = true
        let (checked, _) = try await harness.run(Self.playbook, options: check)
        // `creates` names a file the check run did not extract: that task would run too.
        #expect(harness.stats(checked, "h19").changed == 7)
        #expect(harness.stats(checked, "h19").ignored == 1)
        #expect(try fm.contentsOfDirectory(atPath: "\(work)/tgz").isEmpty)
        #expect(try fm.contentsOfDirectory(atPath: "\(work)/zip").isEmpty)

        let (first, observer) = try await harness.run(Self.playbook)
        #expect(harness.stats(first, "h19").changed == 6)
        #expect(harness.stats(first, "h19").skipped == 1)
        #expect(harness.stats(first, "h19").ignored == 1)
        for dir in ["tgz", "zip", "bz2", "xz", "tar"] {
            #expect(harness.file("h19/\(dir)/app/etc/app.conf") == "port=80\n", "\(dir)")
            #expect(harness.file("h19/\(dir)/app/bin/run.sh") == "#!/bin/sh\necho run\n", "\(dir)")
            #expect(try fm.destinationOfSymbolicLink(atPath: "\(work)/\(dir)/app/current") == "bin/run.sh", "\(dir)")
            let mode = try fm.attributesOfItem(atPath: "\(work)/\(dir)/app/bin/run.sh")[.posixPermissions] as? Int
            #expect(mode == 0o755, "\(dir)")
        }
        #expect(harness.file("h19/strip/README") == "read me\n")
        #expect(try fm.contentsOfDirectory(atPath: "\(work)/other").isEmpty)
        let r = await observer.transferResults("h19")
        try #require(r.count == 8)
        #expect(r[0].transferValue("handler") == .string("TgzArchive"))
        #expect(r[0].transferValue("dest") == .string("\(work)/tgz"))
        #expect(r[0].transferValue("state") == .string("directory"))
        #expect(r[0].transferValue("extract_results", "rc")?.transferInt == 0)
        #expect(r[0].transferValue("extract_results", "cmd")?.transferList.contains(.string("--extract")) == true)
        let tgzFiles = (r[0].transferValue("files")?.transferList ?? []).map(\.text)
        #expect(Set(tgzFiles) == ["app/", "app/bin/", "app/bin/run.sh", "app/etc/", "app/etc/app.conf", "app/README", "app/current"])
        #expect(r[1].transferValue("handler") == .string("ZipArchive"))
        let zipFiles = (r[1].transferValue("files")?.transferList ?? []).map(\.text)
        #expect(zipFiles.contains("app/etc/app.conf"))
        #expect(r[6].transferValue("msg") == .string("skipped, since \(work)/tgz/app/README exists"))
        #expect(r[7].transferValue("msg") == .string("dest '\(work)/missing' must be an existing dir"))

        let (second, again) = try await harness.run(Self.playbook)
        #expect(harness.stats(second, "h19").changed == 0)
        #expect(await again.transferResults("h19")[0].transferValue("extract_results") == nil)

        // A member edited on the host is put back; a missing one restored.
        try "port=8080\n".write(toFile: "\(work)/tgz/app/etc/app.conf", atomically: true, encoding: .utf8)
        try fm.removeItem(atPath: "\(work)/zip/app/README")
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: "\(work)/xz/app/bin/run.sh")
        let (third, _) = try await harness.run(Self.playbook)
        #expect(harness.stats(third, "h19").changed == 3)
        #expect(harness.file("h19/tgz/app/etc/app.conf") == "port=80\n")
        #expect(harness.file("h19/zip/app/README") == "read me\n")
        let mode = try fm.attributesOfItem(atPath: "\(work)/xz/app/bin/run.sh")[.posixPermissions] as? Int
        #expect(mode == 0o755)
    }
}
