import Crypto
import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// get_url end to end on a real sshd host (h20): downloads made on the host
/// from an HTTP server the test starts on 127.0.0.1, and from file://.
@Suite("Transfer modules: get_url")
struct TransferGetURLTests {
    static func playbook(port: Int, srv: String) -> String {
        let base = "http://127.0.0.1:\(port)"
        let sha256 = SHA256.hash(data: Data("payload\n".utf8)).map { String(format: "%02x", $0) }.joined()
        return """
            - hosts: all
              gather_facts: false
              vars: { d: "{{ work }}/dl" }
              tasks:
                - get_url: { url: "\(base)/file.txt", dest: "{{ d }}/file.txt", mode: "0640" }
                - get_url: { url: "\(base)/other.bin", dest: "{{ d }}/" }
                - get_url: { url: "\(base)/file.txt", dest: "{{ d }}/sum.txt", checksum: "sha256:\(sha256)" }
                - get_url: { url: "file://\(srv)/file.txt", dest: "{{ d }}/local.txt" }
                - get_url: { url: "\(base)/file.txt", dest: "{{ d }}/file.txt", force: true, mode: "0640" }
                - get_url: { url: "\(base)/file.txt", dest: "{{ d }}/viaurl.txt", checksum: "sha256:\(base)/sums.txt" }
                - get_url: { url: "\(base)/file.txt", dest: "{{ d }}/wget.txt" }
                  environment: { DROVER_GET_URL_TOOL: wget }
                - get_url: { url: "\(base)/file.txt", dest: "{{ d }}/busybox.txt" }
                  environment: { DROVER_GET_URL_TOOL: busybox wget }
                - get_url: { url: "\(base)/nope", dest: "{{ d }}/nope.txt" }
                  ignore_errors: true
                - get_url: { url: "\(base)/file.txt", dest: "{{ d }}/bad.txt", checksum: "sha256:\(String(repeating: "0", count: 64))" }
                  ignore_errors: true
            """
    }

    @Test("get_url: http and file://, dest directory, checksums, force, curl/wget/busybox; second run unchanged; check mode writes nothing")
    func getURL() async throws {
        let harness = try PlaybookHarness("transfer-geturl", hosts: [20])
        let work = "\(harness.directory)/h20"
        let srv = "\(harness.directory)/srv"
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(work)/dl", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: srv, withIntermediateDirectories: true)
        try "payload\n".write(toFile: "\(srv)/file.txt", atomically: true, encoding: .utf8)
        try Data([0, 1, 2, 255]).write(to: URL(fileURLWithPath: "\(srv)/other.bin"))
        let sha256 = SHA256.hash(data: Data("payload\n".utf8)).map { String(format: "%02x", $0) }.joined()
        try "\(sha256)  file.txt\n0000  other.bin\n".write(toFile: "\(srv)/sums.txt", atomically: true, encoding: .utf8)
        // Sources older than any download, so If-Modified-Since answers 304.
        for name in ["file.txt", "other.bin", "sums.txt"] {
            try fm.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: "\(srv)/\(name)")
        }
        let server = try TransferServer.http(directory: srv)
        defer { server.stop() }
        let playbook = Self.playbook(port: server.port, srv: srv)

        var check = RunOptions()
        check.checkMode = true
        let (checked, _) = try await harness.run(playbook, options: check)
        #expect(harness.stats(checked, "h20").changed == 9)  // the bad checksum too: Ansible checks it after check mode returns
        #expect(harness.stats(checked, "h20").ignored == 1)
        #expect(try fm.contentsOfDirectory(atPath: "\(work)/dl").isEmpty)

        let (first, observer) = try await harness.run(playbook)
        #expect(harness.stats(first, "h20").changed == 7)
        #expect(harness.stats(first, "h20").ignored == 2)
        let r = await observer.transferResults("h20")
        if r.count != 10 { for v in r { print("RESULT", v.jsonText()) } }
        try #require(r.count == 10)
        let sum = try sha1(ofFile: "\(srv)/file.txt")
        for name in ["file.txt", "sum.txt", "local.txt", "viaurl.txt", "wget.txt", "busybox.txt"] {
            #expect(harness.file("h20/dl/\(name)") == "payload\n", "\(name)")
        }
        #expect(fm.contents(atPath: "\(work)/dl/other.bin") == Data([0, 1, 2, 255]))
        #expect(r[0].transferValue("status_code")?.transferInt == 200)
        #expect(r[0].transferValue("checksum_src") == .string(sum))
        #expect(r[0].transferValue("checksum_dest") == .null)
        #expect(r[0].transferValue("msg") == .string("OK (8 bytes)"))
        #expect(r[0].transferValue("mode") == .string("0640"))
        #expect(r[0].transferValue("url") == .string("http://127.0.0.1:\(server.port)/file.txt"))
        let mode = try fm.attributesOfItem(atPath: "\(work)/dl/file.txt")[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(r[1].transferValue("dest") == .string("\(work)/dl/other.bin"))
        #expect(r[3].transferValue("status_code") == .null)
        #expect(r[4].transferValue("changed") == .bool(false))
        #expect(r[4].transferValue("checksum_dest") == .string(sum))
        #expect(r[8].transferValue("status_code")?.transferInt == 404)
        #expect(r[8].transferValue("msg") == .string("Request failed"))
        #expect(r[9].transferValue("msg")?.text.contains("did not match \(String(repeating: "0", count: 64))") == true)
        #expect(!fm.fileExists(atPath: "\(work)/dl/bad.txt"))
        #expect(!fm.fileExists(atPath: "\(work)/dl/nope.txt"))
        let leftovers = try fm.contentsOfDirectory(atPath: "\(work)/dl").filter { $0.hasPrefix(".drover") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")

        let (second, again) = try await harness.run(playbook)
        #expect(harness.stats(second, "h20").changed == 0)
        let r2 = await again.transferResults("h20")
        #expect(r2[0].transferValue("status_code")?.transferInt == 304)
        #expect(r2[2].transferValue("msg") == .string("file already exists"))

        // A changed source is downloaded again by force, and when its mtime is newer.
        try "payload v2\n".write(toFile: "\(srv)/file.txt", atomically: true, encoding: .utf8)
        try fm.setAttributes([.modificationDate: Date().addingTimeInterval(3600)], ofItemAtPath: "\(srv)/file.txt")
        let (third, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - get_url: { url: "http://127.0.0.1:\(server.port)/file.txt", dest: "{{ work }}/dl/file.txt" }
                - get_url: { url: "http://127.0.0.1:\(server.port)/file.txt", dest: "{{ work }}/dl/local.txt", force: true }
            """)
        #expect(harness.stats(third, "h20").changed == 2)
        #expect(harness.file("h20/dl/file.txt") == "payload v2\n")
        #expect(harness.file("h20/dl/local.txt") == "payload v2\n")
    }
}
