import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

extension SystemModuleTests {
    /// cron entries named drover-test-* in root's crontab (other entries are
    /// left as they are) and /etc/cron.d/drover-test.
    @Suite("cron")
    struct Cron {
        static let cronFile = "/etc/cron.d/drover-test"

        /// Removes our marked entries (marker and job line) from root's crontab, and our cron file.
        static func cleanUp() throws {
            try SystemModuleTests.sh("""
                rm -f \(cronFile)
                if crontab -l >/dev/null 2>&1; then
                  crontab -l | awk '/^#Ansible: drover-test-/ { skip = 1; next } skip { skip = 0; next } { print }' > /tmp/drover-test-crontab.$$
                  if [ -s /tmp/drover-test-crontab.$$ ]; then crontab /tmp/drover-test-crontab.$$; else crontab -r; fi
                  rm -f /tmp/drover-test-crontab.$$
                fi
                true
                """)
        }

        static func crontab() throws -> String {
            try SystemModuleTests.sh("crontab -l 2>/dev/null").output
        }

        @Test("root's crontab: add, second run ok, change, disable, remove; diff and check mode")
        func userCrontab() async throws {
            try Self.cleanUp()
            defer { try? Self.cleanUp() }
            let harness = try PlaybookHarness("cron", hosts: [SystemModuleTests.host])
            func run(_ task: String, check: Bool = false, diff: Bool = false) async throws -> HostTaskReport {
                try await SystemModuleTests.task(harness, task, check: check, diff: diff)
            }
            let entry = "cron: { name: drover-test-a, user: root, minute: \"5\", job: \"echo drover-a\""

            var r = try await run("\(entry) }", check: true)
            #expect(r.status == .changed)
            #expect(try !Self.crontab().contains("drover-test-a"))

            r = try await run("\(entry) }", diff: true)
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.crontab().contains("#Ansible: drover-test-a\n5 * * * * echo drover-a\n"))
            #expect(r["jobs"]?.text.contains("drover-test-a") == true)
            #expect(r.diffs.first?.after.contains("5 * * * * echo drover-a") == true)
            #expect(r.diffs.first?.afterHeader == "crontab for user \"root\"")
            r = try await run("\(entry) }")
            #expect(r.status == .ok, "\(r.result)")

            r = try await run("\(entry), hour: \"3\" }")
            #expect(r.status == .changed, "\(r.result)")
            let tab = try Self.crontab()
            #expect(tab.contains("#Ansible: drover-test-a\n5 3 * * * echo drover-a\n"))
            #expect(tab.components(separatedBy: "drover-test-a").count == 2)

            r = try await run("\(entry), hour: \"3\", disabled: true }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.crontab().contains("#Ansible: drover-test-a\n#5 3 * * * echo drover-a\n"))

            r = try await run("cron: { name: drover-test-b, user: root, special_time: reboot, job: \"echo drover-b\" }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.crontab().contains("#Ansible: drover-test-b\n@reboot echo drover-b\n"))

            r = try await run("cron: { name: drover-test-a, user: root, state: absent }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try !Self.crontab().contains("drover-test-a"))
            #expect(try Self.crontab().contains("drover-test-b"))
            r = try await run("cron: { name: drover-test-a, user: root, state: absent }")
            #expect(r.status == .ok, "\(r.result)")
            r = try await run("cron: { name: drover-test-b, user: root, state: absent }")
            #expect(r.status == .changed, "\(r.result)")

            r = try await run("cron: { name: drover-test-c, user: root, minute: \"1\", hour: \"2\", special_time: daily, job: x }")
            #expect(r.status == .failed)
            #expect(r.failedMessage.contains("cannot combine special_time"), "\(r.failedMessage)")
        }

        @Test("cron_file under /etc/cron.d: created 0644 with the user column, idempotent, removed when empty")
        func cronFile() async throws {
            try Self.cleanUp()
            defer { try? Self.cleanUp() }
            let harness = try PlaybookHarness("cronfile", hosts: [SystemModuleTests.host])
            func run(_ task: String, check: Bool = false) async throws -> HostTaskReport {
                try await SystemModuleTests.task(harness, task, check: check)
            }
            let entry = "cron: { name: drover-test-f, cron_file: drover-test, user: root, minute: \"*/10\", job: \"/bin/true\""

            var r = try await run("\(entry) }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["cron_file"] == .string("drover-test"))
            #expect(try String(contentsOfFile: Self.cronFile, encoding: .utf8) == "#Ansible: drover-test-f\n*/10 * * * * root /bin/true\n")
            let mode = try FileManager.default.attributesOfItem(atPath: Self.cronFile)[.posixPermissions] as? Int
            #expect(mode == 0o644)
            r = try await run("\(entry) }")
            #expect(r.status == .ok, "\(r.result)")

            r = try await run("cron: { name: DROVER_TEST_VAR, env: true, cron_file: drover-test, user: root, job: \"1\" }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try String(contentsOfFile: Self.cronFile, encoding: .utf8).hasPrefix("DROVER_TEST_VAR=\"1\"\n"))
            #expect(r["envs"] == .list([.string("DROVER_TEST_VAR")]))
            r = try await run("cron: { name: DROVER_TEST_VAR, env: true, cron_file: drover-test, user: root, state: absent }")
            #expect(r.status == .changed, "\(r.result)")

            r = try await run("cron: { name: drover-test-f, cron_file: drover-test, state: absent }", check: true)
            #expect(r.status == .changed)
            #expect(FileManager.default.fileExists(atPath: Self.cronFile))
            r = try await run("cron: { name: drover-test-f, cron_file: drover-test, state: absent }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(!FileManager.default.fileExists(atPath: Self.cronFile))

            r = try await run("cron: { name: drover-test-f, cron_file: drover-test, job: x }")
            #expect(r.status == .failed)
            #expect(r.failedMessage.contains("you must specify user"), "\(r.failedMessage)")
        }
    }
}
