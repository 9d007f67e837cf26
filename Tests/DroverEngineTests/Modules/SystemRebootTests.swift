import DroverCore
import DroverEngine
import DroverSSH
import DroverTestSupport
import Foundation
import Testing

extension SystemModuleTests {
    /// reboot without rebooting this machine: the "reboot command" writes a
    /// new boot id and kills the task's agent (so the connection really
    /// dies), the boot time command reads that id, and the module has to
    /// reconnect through the engine's agent pool to prove the host is back.
    @Suite("reboot")
    struct Reboot {
        static func fixture() throws -> String {
            let dir = try scratchDirectory("reboot")
            try "1\n".write(toFile: "\(dir)/boot_id", atomically: true, encoding: .utf8)
            // Walks up from itself and ends every shell of the agent (started
            // from the cached drover/agent-SHA.sh: the exec's waiter and the
            // agent itself), as a reboot would.
            try """
                echo 2 > \(dir)/boot_id
                echo ran >> \(dir)/log
                p=$$
                while [ "$p" -gt 1 ]; do
                  p=$(awk '{ print $4 }' /proc/$p/stat)
                  if grep -qa 'drover/agent-' /proc/$p/cmdline 2>/dev/null; then kill -TERM "$p"; fi
                done
                exit 0

                """.write(toFile: "\(dir)/reboot.sh", atomically: true, encoding: .utf8)
            return dir
        }

        static func task(_ dir: String, _ extra: String = "") -> String {
            "reboot: { reboot_command: \"/bin/sh \(dir)/reboot.sh\", boot_time_command: \"cat \(dir)/boot_id\", test_command: whoami\(extra) }"
        }

        @Test("the agent dies with the reboot; the module reconnects, sees a new boot id and runs the test command")
        func reconnects() async throws {
            let dir = try Self.fixture()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let harness = try PlaybookHarness("reboot", hosts: [SystemModuleTests.host])
            // The engine reconnects through its agent pool.
            let r = try await SystemModuleTests.task(harness, Self.task(dir, ", post_reboot_delay: 0, reboot_timeout: 60"))
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["rebooted"] == .bool(true))
            if case .int(let elapsed)? = r["elapsed"] { #expect(elapsed >= 0 && elapsed < 60) } else { Issue.record("no elapsed: \(r.result)") }
            #expect(try String(contentsOfFile: "\(dir)/boot_id", encoding: .utf8) == "2\n")
        }

        @Test("check mode does nothing; the engine's own reconnection brings the agent back; a boot id that never changes times out")
        func refusals() async throws {
            let dir = try Self.fixture()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let harness = try PlaybookHarness("reboot-no", hosts: [SystemModuleTests.host])

            var r = try await SystemModuleTests.task(harness, Self.task(dir), check: true)
            #expect(r.status == .changed)
            #expect(r["rebooted"] == .bool(true))
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/log"))

            // No handler bound here: the engine reconnects through its agent pool.
            r = try await SystemModuleTests.task(harness, Self.task(dir, ", post_reboot_delay: 0, reboot_timeout: 60"))
            #expect(r.status == .changed, "\(r.result)")
            #expect(try String(contentsOfFile: "\(dir)/boot_id", encoding: .utf8) == "2\n")

            // The "reboot" leaves the agent alone and the boot id as it was.
            r = try await SystemModuleTests.task(harness, "reboot: { reboot_command: /bin/true, boot_time_command: \"cat \(dir)/boot_id\", reboot_timeout: 2 }")
            #expect(r.status == .failed)
            #expect(r["rebooted"] == .bool(true))
            #expect(r.failedMessage == "Timed out waiting for last boot time check (timeout=2)", "\(r.failedMessage)")
        }
    }
}
