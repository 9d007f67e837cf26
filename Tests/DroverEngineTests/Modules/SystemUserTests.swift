import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

extension SystemModuleTests {
    /// user and group with drover-test-* names, removed at the end.
    @Suite("user and group")
    struct Accounts {
        static let user = "drover-test-usr"
        static let group = "drover-test-grp"
        static let extraGroup = "drover-test-grp2"
        /// "secret", hashed with SHA-512 (openssl passwd -6 -salt drovertest secret).
        static let hash = "$6$drovertest$8dwSMYDkMDWb99wh.515BWJRuIatd1pe/d2mae0KEXu39rDmVx9ll/IUZ20rRlThzzfC5Rkh9ApNVVMazDaqW0"

        static func cleanUp() throws {
            try SystemModuleTests.sh("""
                getent passwd \(user) >/dev/null && userdel -r \(user) >/dev/null 2>&1
                getent passwd \(user) >/dev/null && userdel \(user) >/dev/null 2>&1
                for g in \(group) \(extraGroup); do getent group $g >/dev/null && groupdel $g; done
                true
                """)
        }

        /// A gid no group has (64000 and up).
        static func freeID() throws -> Int {
            for id in 64100..<65000 where try SystemModuleTests.sh("getent group \(id) || getent passwd \(id)").status != 0 {
                return id
            }
            throw CancellationError()
        }

        static func passwd() throws -> [String] {
            try SystemModuleTests.sh("getent passwd \(user)").output.trimmingCharacters(in: .newlines)
                .split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }

        @Test("group and user: create, second run ok, modify, check mode, remove; the password hash never shows")
        func lifecycle() async throws {
            try Self.cleanUp()
            let base = try scratchDirectory("home")
            let home = base + "/sub/\(Self.user)"
            defer {
                try? Self.cleanUp()
                try? FileManager.default.removeItem(atPath: base)
            }
            let harness = try PlaybookHarness("accounts", hosts: [SystemModuleTests.host])
            func run(_ task: String, check: Bool = false) async throws -> HostTaskReport {
                try await SystemModuleTests.task(harness, task, check: check)
            }
            let gid = try Self.freeID()

            // group
            var r = try await run("group: { name: \(Self.group), gid: \(gid) }", check: true)
            #expect(r.status == .changed)
            #expect(try SystemModuleTests.sh("getent group \(Self.group)").status != 0)
            r = try await run("group: { name: \(Self.group), gid: \(gid) }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["gid"] == .int(gid))
            r = try await run("group: { name: \(Self.group), gid: \(gid) }")
            #expect(r.status == .ok, "\(r.result)")
            r = try await run("group: { name: \(Self.group), gid: \(gid + 1) }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["gid"] == .int(gid + 1))
            #expect(r.undo.contains { if case .undoCommand(let c) = $0 { c.contains("groupmod -g \(gid)") } else { false } }, "\(r.undo)")
            r = try await run("group: { name: \(Self.extraGroup), system: true }")
            #expect(r.status == .changed, "\(r.result)")

            // user: the home's parent does not exist yet.
            let create = """
                user:
                  name: \(Self.user)
                  uid: \(gid)
                  group: \(Self.group)
                  groups: [\(Self.extraGroup)]
                  shell: /bin/sh
                  home: \(home)
                  comment: Drover Test
                  password: "\(Self.hash)"
                """
            r = try await run(create, check: true)
            #expect(r.status == .changed)
            #expect(try SystemModuleTests.sh("getent passwd \(Self.user)").status != 0)
            r = try await run(create)
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.passwd() == [Self.user, "x", "\(gid)", "\(gid + 1)", "Drover Test", home, "/bin/sh"])
            #expect(r["uid"] == .int(gid))
            #expect(r["group"] == .int(gid + 1))
            #expect(r["home"] == .string(home))
            #expect(r["groups"] == .string(Self.extraGroup))
            #expect(r["password"] == .string("NOT_LOGGING_PASSWORD"))
            #expect(!"\(r.result)".contains(Self.hash))
            #expect(try SystemModuleTests.sh("getent shadow \(Self.user) | cut -d: -f2").output.trimmingCharacters(in: .newlines) == Self.hash)
            #expect(try SystemModuleTests.sh("id -nG \(Self.user)").output.contains(Self.extraGroup))
            let owner = try FileManager.default.attributesOfItem(atPath: home)[.ownerAccountID] as? Int
            #expect(owner == gid)

            r = try await run(create)
            #expect(r.status == .ok, "\(r.result)")

            // Modify: shell, and append a group; then groups replaced.
            r = try await run("user: { name: \(Self.user), shell: /bin/bash, groups: [\(Self.group)], append: true }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.passwd().last == "/bin/bash")
            let groups = try SystemModuleTests.sh("id -nG \(Self.user)").output
            #expect(groups.contains(Self.extraGroup))
            #expect(r.undo.contains { if case .undoCommand(let c) = $0 { c.contains("-s /bin/sh") } else { false } }, "\(r.undo)")
            r = try await run("user: { name: \(Self.user), shell: /bin/bash, groups: [\(Self.group)], append: true }")
            #expect(r.status == .ok, "\(r.result)")
            r = try await run("user: { name: \(Self.user), groups: [\(Self.group)] }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try !SystemModuleTests.sh("id -nG \(Self.user)").output.contains(Self.extraGroup))

            // A new password, then the same one again.
            r = try await run("user: { name: \(Self.user), password: \"!\" }")
            #expect(r.status == .changed, "\(r.result)")
            r = try await run("user: { name: \(Self.user), password: \"!\" }")
            #expect(r.status == .ok, "\(r.result)")

            // An unknown group fails before anything changes.
            r = try await run("user: { name: \(Self.user), group: drover-test-no-such-grp }")
            #expect(r.status == .failed)
            #expect(r.failedMessage.contains("Group drover-test-no-such-grp does not exist"), "\(r.failedMessage)")

            // Removal: check mode first.
            r = try await run("user: { name: \(Self.user), state: absent, remove: true }", check: true)
            #expect(r.status == .changed)
            #expect(try SystemModuleTests.sh("getent passwd \(Self.user)").status == 0)
            r = try await run("user: { name: \(Self.user), state: absent, remove: true }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try SystemModuleTests.sh("getent passwd \(Self.user)").status != 0)
            #expect(!FileManager.default.fileExists(atPath: home))
            r = try await run("user: { name: \(Self.user), state: absent }")
            #expect(r.status == .ok, "\(r.result)")

            for g in [Self.group, Self.extraGroup] {
                r = try await run("group: { name: \(g), state: absent }")
                #expect(r.status == .changed, "\(r.result)")
                r = try await run("group: { name: \(g), state: absent }")
                #expect(r.status == .ok, "\(r.result)")
            }
        }
    }
}
