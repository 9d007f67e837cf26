import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// `drover remote`, the real binary, over real HTTP against a real server
/// whose runs reach real sshd test hosts.
@Suite("drover remote: launch --follow, runs, show, cancel against a server")
struct RemoteCommandTests {
    /// Every kind of line drover run prints: changed, loop items, a debug
    /// message, a skip, an ignored failure, a failed host, the recap.
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - name: say
              command: "echo hello {{ inventory_hostname }}"
            - name: each
              command: "echo {{ item }}"
              loop: [a, b]
            - name: show
              debug:
                msg: "release {{ release }}"
            - name: skipped
              command: "true"
              when: false
            - name: break
              command: "false"
              ignore_errors: true
            - name: fail one
              command: "false"
              when: inventory_hostname == 'h15'
            - name: after
              command: echo after
        """

    /// The test hosts' own inventory (real addresses, key, known_hosts),
    /// narrowed to `hosts`, for drover run and the server alike.
    static func inventory(_ hosts: [Int]) throws -> String {
        let names = Set(hosts.map { "h\($0)" })
        return try String(contentsOfFile: TestHosts.path("inventory"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                guard let first = line.split(separator: " ").first, first.hasPrefix("h"), Int(first.dropFirst()) != nil else { return true }
                return names.contains(String(first))
            }.joined(separator: "\n")
    }

    /// A token file (mode 600) for a new user of the server's store.
    static func tokenFile(_ server: ServerHarness, user: String, role: UserRole, scope: TokenScope = .launch) async throws -> String {
        let store = server.controller.store
        _ = try await store.addUser(name: user, password: "correct horse battery staple", role: role, cost: 4)
        let token = try await store.createToken(user: user, scope: scope, expiresAt: nil).secret
        let path = "\(server.directory)/\(user).token"
        _ = FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }

    static func drover(_ arguments: [String], home: String, environment extra: [String: String] = [:]) async throws -> SeparateStreams {
        var environment = ProcessInfo.processInfo.environment
        environment["DROVER_HOME"] = home
        environment["DROVER_SERVER"] = nil
        environment["DROVER_TOKEN_FILE"] = nil
        environment["NO_COLOR"] = nil
        for (key, value) in extra { environment[key] = value }
        return try await runSeparately(droverExecutable, arguments, environment: environment)
    }

    /// What may differ between two runs of the same playbook: timings.
    static func normalized(_ output: String) -> String {
        var text = output
        for pattern in [#""(delta|start|end)": "[^"]*""#, #"finished in [0-9.]+ s"#] {
            text = text.replacingOccurrences(of: pattern, with: "<time>", options: .regularExpression)
        }
        return text
    }

    /// The output and its last line (`run N recorded: …`), apart.
    static func split(_ output: String) -> (body: String, trailer: String) {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        let trailer = lines.popLast() ?? ""
        return (lines.joined(separator: "\n"), trailer)
    }

    @Test("launch --follow prints what drover run prints for the same playbook and exits as it does; runs and show list it")
    func followMatchesRun() async throws {
        let hosts = [14, 15]
        let inventory = try Self.inventory(hosts)
        let config = """
            templates:
              - name: compare
                playbook: compare.yml
                inventory: [inventory]
                forks: 1               # one host at a time: lines in inventory order, as drover run -f 1
                survey:
                  - {name: release, type: string, required: true}
            """
        let server = try await ServerHarness("remote-compare", hosts: hosts, config: config, insecureLocal: false,
                                             connector: nil, inventory: inventory, files: ["compare.yml": Self.playbook])
        defer { Swift.Task { await server.stop() } }
        let home = try scratchDirectory("remote-compare-home")
        let token = try await Self.tokenFile(server, user: "ada", role: .admin)

        // drover run, here, with a store of its own; then the same files through the server.
        let local = try await Self.drover(["run", "\(server.directory)/compare.yml", "-i", "\(server.directory)/inventory",
                                           "-e", "release=v1.0", "-f", "1"], home: home)
        let remote = try await Self.drover(["remote", "--server", server.base, "--token-file", token,
                                            "launch", "compare", "--survey", "release=v1.0", "--follow"], home: home)
        #expect(local.status == 2, "\(local.stdoutText)\(local.stderrText)")
        #expect(remote.status == local.status, "\(remote.stdoutText)\(remote.stderrText)")
        let (localBody, localTrailer) = Self.split(Self.normalized(local.stdoutText))
        let (remoteBody, remoteTrailer) = Self.split(Self.normalized(remote.stdoutText))
        #expect(remoteBody == localBody, "drover run:\n\(localBody)\n\ndrover remote launch --follow:\n\(remoteBody)")
        #expect(localBody.contains("fatal: [h15]: FAILED!") && localBody.contains("...ignoring") && localBody.contains("PLAY RECAP"))
        #expect(localTrailer.hasPrefix("run ") && localTrailer.hasSuffix("recorded: `drover show \(localTrailer.split(separator: " ")[1])`"))
        // The same line, naming the command that shows the run from here.
        let runs = try await server.controller.store.runPage(RunPageQuery())
        let id = try #require(runs.first?.id)
        #expect(remoteTrailer == "run \(id) recorded: `drover remote show \(id)`")

        // A finished run followed again: replayed from the server's memory, the same output.
        let again = try await Self.drover(["remote", "--server", server.base, "--token-file", token, "launch", "compare",
                                           "--survey", "release=v1.0", "--follow"], home: home)
        #expect(Self.split(Self.normalized(again.stdoutText)).body == localBody)

        // A CLI run on the server's machine (its store) is not the server's: followed, it is replayed from the store.
        let cli = try await Self.drover(["run", "\(server.directory)/compare.yml", "-i", "\(server.directory)/inventory", "-e", "release=v1.0"],
                                        home: server.controller.settings.storeHome)
        #expect(cli.status == 2)
        let cliRun = try #require(try await server.controller.store.runPage(RunPageQuery()).first?.id)
        let replayed = try await Self.drover(["remote", "--server", server.base, "--token-file", token, "follow", String(cliRun)], home: home)
        #expect(replayed.status == 2, "\(replayed.stdoutText)\(replayed.stderrText)")
        for expected in ["\nTASK [say] ***", "changed: [h14]\n", "TASK [each] ***", "changed: [h15] => (item=b)\n", "fatal: [h15]: FAILED! =>",
                         "...ignoring\n", "\nPLAY RECAP ***", "\nfinished in ", "run \(cliRun) recorded: `drover remote show \(cliRun)`\n"] {
            #expect(replayed.stdoutText.contains(expected), "\(expected) in:\n\(replayed.stdoutText)")
        }

        let listed = try await Self.drover(["remote", "--server", server.base, "--token-file", token, "runs", "--template", "compare"], home: home)
        #expect(listed.status == 0, "\(listed.stderrText)")
        let rows = listed.stdoutText.split(separator: "\n")
        #expect(rows.first?.hasPrefix("ID ") == true && rows.count == 3, "\(listed.stdoutText)")
        #expect(rows.dropFirst().allSatisfy { $0.contains(" failed ") && $0.contains(" ada ") && $0.hasSuffix("compare") }, "\(listed.stdoutText)")
        let one = try await Self.drover(["remote", "--server", server.base, "--token-file", token, "runs", "--limit", "1"], home: home)
        #expect(one.stdoutText.split(separator: "\n").count == 2, "\(one.stdoutText)")
        let none = try await Self.drover(["remote", "--server", server.base, "--token-file", token, "runs", "--status", "succeeded"], home: home)
        #expect(none.stdoutText == "no runs match\n", "\(none.stdoutText)")

        let shown = try await Self.drover(["remote", "--server", server.base, "--token-file", token, "show", String(id)], home: home)
        #expect(shown.status == 0, "\(shown.stderrText)")
        for expected in ["run \(id): template compare (", "compare.yml)\n", "status: failed, by ada", "\nfailed:\n", "  fail one:\n      h15 failed",
                         "  break:\n", "\nchanged:\n", "  say: changed on 2 hosts", "\nrecap:\n", "  h15 ", "failed=1", "ignored=1"] {
            #expect(shown.stdoutText.contains(expected), "\(expected) in:\n\(shown.stdoutText)")
        }
        let missing = try await Self.drover(["remote", "--server", server.base, "--token-file", token, "show", "9999"], home: home)
        #expect(missing.status == 1)
        #expect(missing.stderrText == "Error: run 9999 does not exist (404 not_found)\n", "\(missing.stderrText)")
    }

    @Test("Ctrl-C stops following, not the run; remote cancel stops it: its followers print the cancel and exit 130")
    func cancelFollowed() async throws {
        let server = try await ServerHarness("remote-cancel", hosts: [16])
        defer { Swift.Task { await server.stop() } }
        let home = try scratchDirectory("remote-cancel-home")
        let token = try await Self.tokenFile(server, user: "ada", role: .admin)
        let remote = ["remote", "--server", server.base, "--token-file", token]
        let follower = Swift.Task {
            try await Self.drover(remote + ["launch", "nap", "--survey", "release=v2.0", "-e", "nap=60", "--follow", "-v"], home: home)
        }
        var id: Int64?
        for _ in 0..<300 where id == nil {
            id = try await server.controller.store.runPage(RunPageQuery()).first?.id
            if id == nil { try await Swift.Task.sleep(for: .milliseconds(100)) }
        }
        let run = try #require(id)
        _ = try await server.events(run) { event in
            event.name == "output" && (event.data.dictValue?["text"]?.stringValue?.contains("sleeping") ?? false)
        }
        // Ctrl-C stops following, not the run.
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: droverExecutable)
        watcher.arguments = remote + ["follow", String(run)]
        watcher.environment = ProcessInfo.processInfo.environment.merging(["DROVER_HOME": home]) { $1 }
        let watched = Pipe()
        watcher.standardOutput = watched
        try watcher.run()
        try await Swift.Task.sleep(for: .milliseconds(1500))
        watcher.interrupt()
        let detached = String(decoding: watched.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        watcher.waitUntilExit()
        #expect(watcher.terminationStatus == 130)
        #expect(detached.contains("TASK [shell] ***") && detached.hasSuffix("stopped following run \(run); it goes on on the server: "
            + "`drover remote follow \(run)` follows it again, `drover remote cancel \(run)` stops it\n"), "\(detached)")
        #expect(try await server.status(run) == "running")
        let second = Swift.Task { try await Self.drover(remote + ["follow", String(run)], home: home) }

        let cancelled = try await Self.drover(remote + ["cancel", String(run)], home: home)
        #expect(cancelled.status == 0, "\(cancelled.stderrText)")
        #expect(cancelled.stdoutText.hasPrefix("run \(run): cancelling"), "\(cancelled.stdoutText)")
        let followed = try await follower.value
        #expect(followed.status == 130, "\(followed.stdoutText)\(followed.stderrText)")
        #expect(followed.stdoutText.contains("[h16] | sleeping"), "-v shows live output: \(followed.stdoutText)")
        #expect(followed.stdoutText.range(of: #"run \#(run) cancelled after [0-9.]+ s\n$"#, options: .regularExpression) != nil,
                "\(followed.stdoutText)")
        let secondFollowed = try await second.value
        #expect(secondFollowed.status == 130 && secondFollowed.stdoutText.hasSuffix("run \(run) cancelled after "
            + (followed.stdoutText.split(separator: "after ").last.map(String.init) ?? "?")), "\(secondFollowed.stdoutText)")
        #expect(try await server.status(run) == "cancelled")
        let again = try await Self.drover(remote + ["cancel", String(run)], home: home)
        #expect(again.status == 1)
        #expect(again.stderrText.contains("run \(run) already ended (cancelled) (409 conflict)"), "\(again.stderrText)")
    }

    @Test("token file, 401, 403, a refused survey, a wrong command line: each says what to do")
    func failures() async throws {
        let config = ServerHarness.config().replacingOccurrences(of: "    concurrency: parallel", with: "    concurrency: parallel\n    grants: [olga]")
        let server = try await ServerHarness("remote-errors", hosts: [17], config: config, insecureLocal: false)
        defer { Swift.Task { await server.stop() } }
        let home = try scratchDirectory("remote-errors-home")
        let ada = try await Self.tokenFile(server, user: "ada", role: .admin)
        let otto = try await Self.tokenFile(server, user: "otto", role: .operator)
        func remote(_ arguments: [String], token: String? = ada, environment: [String: String] = [:]) async throws -> SeparateStreams {
            try await Self.drover(["remote", "--server", server.base] + (token.map { ["--token-file", $0] } ?? []) + arguments,
                                  home: home, environment: environment)
        }

        // Launched without --follow: the id alone on stdout.
        let launched = try await remote(["launch", "nap", "--survey", "release=v3.0"])
        #expect(launched.status == 0, "\(launched.stderrText)")
        let id = try #require(Int64(launched.stdoutText.trimmingCharacters(in: .newlines)), "\(launched.stdoutText)")
        #expect(launched.stderrText.hasPrefix("run \(id) of nap "), "\(launched.stderrText)")
        #expect(try await server.controller.store.run(id).user == "ada")

        let open = "\(server.directory)/open.token"
        try FileManager.default.copyItem(atPath: ada, toPath: open)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open)
        let exposed = try await remote(["runs"], token: open)
        #expect(exposed.status == 1)
        #expect(exposed.stderrText.contains("is open to group or others (mode 644)") && exposed.stderrText.contains("chmod 600 \(open)"),
                "\(exposed.stderrText)")
        let absent = try await remote(["runs"], token: "\(server.directory)/none.token")
        #expect(absent.status == 1 && absent.stderrText.contains("no such file"), "\(absent.stderrText)")

        let anonymous = try await remote(["runs"], token: nil)
        #expect(anonymous.status == 1)
        #expect(anonymous.stderrText.contains("(401 unauthenticated)") && anonymous.stderrText.contains("pass --token-file"), "\(anonymous.stderrText)")
        let bogus = "\(server.directory)/bogus.token"
        _ = FileManager.default.createFile(atPath: bogus, contents: Data("drv_not-a-real-token".utf8), attributes: [.posixPermissions: 0o600])
        let refused = try await remote(["runs"], token: bogus)
        #expect(refused.stderrText.contains("(401 unauthenticated)") && refused.stderrText.contains("was not accepted"), "\(refused.stderrText)")

        let forbidden = try await remote(["launch", "nap", "--survey", "release=v3.0"], token: otto)
        #expect(forbidden.status == 1)
        #expect(forbidden.stderrText.contains("(403 forbidden)") && forbidden.stderrText.contains("grants"), "\(forbidden.stderrText)")

        let survey = try await remote(["launch", "nap", "--survey", "release=latest", "--survey", "relase=x"])
        #expect(survey.status == 1)
        #expect(survey.stderrText.contains("(422 survey_invalid, field `survey.relase`)"), "\(survey.stderrText)")
        #expect(survey.stderrText.contains("\n  survey.release: must match the pattern"), "\(survey.stderrText)")
        #expect(survey.stderrText.contains("did you mean `release`?"), "\(survey.stderrText)")

        // DROVER_SERVER and DROVER_TOKEN_FILE stand in for the options.
        let fromEnvironment = try await Self.drover(["remote", "runs"], home: home,
                                                    environment: ["DROVER_SERVER": server.base, "DROVER_TOKEN_FILE": ada])
        #expect(fromEnvironment.status == 0 && fromEnvironment.stdoutText.contains(" nap"), "\(fromEnvironment.stderrText)")

        // Command-line mistakes: 64 with the usage.
        for arguments in [["remote", "runs"], ["remote", "--server", "ftp://x", "runs"], ["remote", "--server", server.base, "launch", "nap", "--survey", "release"],
                          ["remote", "--server", server.base, "runs", "--status", "done"], ["remote", "--server", server.base, "show", "one"]] {
            let result = try await Self.drover(arguments, home: home)
            #expect(result.status == 64, "\(arguments): \(result.stderrText)")
        }

        // Nobody there.
        let closed = try await Self.drover(["remote", "--server", "http://127.0.0.1:1", "runs"], home: home)
        #expect(closed.status == 1)
        #expect(closed.stderrText.contains("nothing answers at http://127.0.0.1:1 (connection refused)"), "\(closed.stderrText)")
    }
}
