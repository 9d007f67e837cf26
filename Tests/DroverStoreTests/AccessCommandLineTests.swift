import DroverTestSupport
import Foundation
import GRDB
import Testing

/// `drover users`, `drover tokens` and `drover audit`, run as the built
/// binary with a DROVER_HOME of its own. No test hosts needed.
@Suite("drover users/tokens/audit end to end")
struct AccessCommandLineTests {
    static var drover: String {
        // The test bundle and the executable are built into the same folder.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("drover").path
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs drover with `input` on its stdin, on a thread of its own.
    static func drover(_ arguments: [String], home: String, input: String = "") async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: drover)
                    process.arguments = arguments
                    var environment = ProcessInfo.processInfo.environment
                    environment["DROVER_HOME"] = home
                    process.environment = environment
                    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
                    process.standardInput = stdin
                    process.standardOutput = stdout
                    process.standardError = stderr
                    try process.run()
                    stdin.fileHandleForWriting.write(Data(input.utf8))
                    try stdin.fileHandleForWriting.close()
                    let out = stdout.fileHandleForReading.readDataToEndOfFile()
                    let err = stderr.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return Outcome(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                                   stderr: String(decoding: err, as: UTF8.self))
                })
            }.start()
        }
    }

    @Test("users are added, listed and disabled; tokens created once, listed and revoked; each step audited; secrets never printed")
    func endToEnd() async throws {
        let home = try scratchDirectory("cli-access")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let password = "s3cret-Passw0rd"

        let added = try await Self.drover(["users", "add", "alice", "--role", "operator", "--password-stdin"], home: home, input: password + "\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "added user alice (operator)\n")
        let again = try await Self.drover(["users", "add", "alice", "--role", "admin", "--password-stdin"], home: home, input: password)
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.stderr)")
        let weak = try await Self.drover(["users", "add", "bob", "--role", "admin", "--password-stdin"], home: home, input: "short\n")
        #expect(weak.status != 0 && weak.stderr.contains("at least 8 characters") && !weak.stderr.contains("short\n"), "\(weak.stderr)")
        let badRole = try await Self.drover(["users", "add", "bob", "--role", "root", "--password-stdin"], home: home)
        #expect(badRole.status != 0 && badRole.stderr.contains("use one of admin, editor"), "\(badRole.stderr)")
        let noTerminal = try await Self.drover(["users", "add", "bob", "--role", "admin"], home: home)
        #expect(noTerminal.status != 0 && noTerminal.stderr.contains("--password-stdin"), "\(noTerminal.stderr)")

        let created = try await Self.drover(["tokens", "create", "--user", "alice", "--scope", "launch", "--expires", "30d"], home: home)
        #expect(created.status == 0, "\(created.stderr)")
        let token = created.stdout.trimmingCharacters(in: .newlines)
        #expect(token.hasPrefix("drv_") && token.count == 47, "\(created.stdout)")
        #expect(created.stderr.contains("token 1 for alice, scope launch, expires ") && created.stderr.contains("not shown again"))

        let listed = try await Self.drover(["tokens", "list"], home: home)
        #expect(listed.status == 0)
        #expect(listed.stdout.split(separator: "\n").contains { $0.hasPrefix("1 ") && $0.contains("alice") && $0.contains("launch") && $0.contains("active") },
                "\(listed.stdout)")
        let revoked = try await Self.drover(["tokens", "revoke", "1"], home: home)
        #expect(revoked.status == 0 && revoked.stdout == "revoked token 1 of alice\n", "\(revoked.stdout)\(revoked.stderr)")
        #expect(try await Self.drover(["tokens", "list", "--user", "alice"], home: home).stdout.contains("revoked"))
        let missing = try await Self.drover(["tokens", "revoke", "42"], home: home)
        #expect(missing.status != 0 && missing.stderr.contains("drover tokens list"), "\(missing.stderr)")

        let passwd = try await Self.drover(["users", "passwd", "alice", "--password-stdin"], home: home, input: "another-passw0rd")
        #expect(passwd.status == 0, "\(passwd.stderr)")
        let disabled = try await Self.drover(["users", "disable", "alice"], home: home)
        #expect(disabled.status == 0 && disabled.stdout == "disabled user alice\n")
        let users = try await Self.drover(["users"], home: home)
        #expect(users.stdout.split(separator: "\n").contains { $0.hasPrefix("alice ") && $0.contains("operator") && $0.contains("disabled") }, "\(users.stdout)")

        let audit = try await Self.drover(["audit"], home: home)
        #expect(audit.status == 0)
        let actions = audit.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true)[4] }
        #expect(actions == ["user.disable", "user.passwd", "token.revoke", "token.create", "user.add"], "\(audit.stdout)")
        let verified = try await Self.drover(["audit", "verify"], home: home)
        #expect(verified.status == 0 && verified.stdout.hasPrefix("audit log intact: 5 entries, head sha256 "), "\(verified.stdout)")

        // No secret anywhere: not in any output after the one print, not in the store's files.
        let outputs = [added, again, weak, listed, revoked, passwd, disabled, users, audit, verified].flatMap { [$0.stdout, $0.stderr] }
        for secret in [password, "another-passw0rd", String(token.dropFirst(4))] {
            #expect(!outputs.contains { $0.contains(secret) })
            for file in try FileManager.default.contentsOfDirectory(atPath: home) where file.hasPrefix("drover.sqlite") {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(home)/\(file)"))
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file)")
            }
        }
    }

    @Test("audit verify exits 1 naming the first bad entry after an entry is edited")
    func verifyFails() async throws {
        let home = try scratchDirectory("cli-audit-verify")
        defer { try? FileManager.default.removeItem(atPath: home) }
        for name in ["ann", "ben", "cat"] {
            let added = try await Self.drover(["users", "add", name, "--role", "auditor", "--password-stdin"], home: home, input: "password-\(name)")
            #expect(added.status == 0, "\(added.stderr)")
        }
        #expect(try await Self.drover(["audit", "verify"], home: home).status == 0)
        try await DatabaseQueue(path: home + "/drover.sqlite").write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: #"UPDATE audit_log SET details = '{"role":"admin","user":"ben"}' WHERE id = 2"#)
        }
        let broken = try await Self.drover(["audit", "verify"], home: home)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("audit log broken: entry 2 was changed"), "\(broken.stdout)")
    }
}
