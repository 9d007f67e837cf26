import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

extension SystemModuleTests {
    /// service on a host without systemd (this container): a SysV init
    /// script driven through `service`, enabled with update-rc.d. systemd's
    /// logic runs against a stand-in `systemctl` put first on PATH by the
    /// play's environment.
    @Suite("service and systemd")
    struct Service {
        static let name = "drover-test-svc"
        static let initScript = "/etc/init.d/\(name)"

        static func install(_ dir: String) throws {
            let script = """
                #!/bin/sh
                ### BEGIN INIT INFO
                # Provides:          \(name)
                # Required-Start:
                # Required-Stop:
                # Default-Start:     2 3 4 5
                # Default-Stop:      0 1 6
                # Short-Description: Drover test service
                ### END INIT INFO
                PIDFILE=\(dir)/pid
                LOG=\(dir)/log
                running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
                case "$1" in
                  start) running && exit 0
                         sleep 86400 >/dev/null 2>&1 &
                         echo $! > "$PIDFILE"; echo start >> "$LOG" ;;
                  stop) if running; then kill "$(cat "$PIDFILE")"; fi; rm -f "$PIDFILE"; echo stop >> "$LOG" ;;
                  restart) "$0" stop; "$0" start ;;
                  reload) echo reload >> "$LOG" ;;
                  status) if running; then echo "\(name) is running"; exit 0; else echo "\(name) is not running"; exit 3; fi ;;
                  *) echo "Usage: $0 {start|stop|restart|reload|status}" >&2; exit 2 ;;
                esac
                exit 0

                """
            try script.write(toFile: initScript, atomically: true, encoding: .utf8)
            try SystemModuleTests.sh("chmod 755 \(initScript)")
        }

        static func cleanUp(_ dir: String?) throws {
            try SystemModuleTests.sh("""
                [ -x \(initScript) ] && \(initScript) stop >/dev/null 2>&1
                update-rc.d -f \(name) remove >/dev/null 2>&1
                rm -f \(initScript) /etc/rc?.d/[SK]??\(name)
                \(dir.map { "[ -f \($0)/pid ] && kill $(cat \($0)/pid) 2>/dev/null; rm -rf \($0)" } ?? "")
                true
                """)
        }

        static func running(_ dir: String) throws -> Bool {
            try SystemModuleTests.sh("[ -f \(dir)/pid ] && kill -0 $(cat \(dir)/pid)").status == 0
        }

        static func enabled() throws -> Bool {
            try SystemModuleTests.sh("ls /etc/rc2.d/S??\(name)").status == 0
        }

        @Test("SysV: started, stopped, restarted, reloaded and enabled are idempotent; check mode changes nothing")
        func sysv() async throws {
            let dir = try scratchDirectory("svc")
            try Self.cleanUp(nil)
            try Self.install(dir)
            defer { try? Self.cleanUp(dir) }
            let harness = try PlaybookHarness("service", hosts: [SystemModuleTests.host])
            func run(_ task: String, check: Bool = false) async throws -> HostTaskReport {
                try await SystemModuleTests.task(harness, task, check: check)
            }
            let svc = "service: { name: \(Self.name)"

            var r = try await run("\(svc), state: started }", check: true)
            #expect(r.status == .changed, "\(r.result)")
            #expect(try !Self.running(dir))

            r = try await run("\(svc), state: started }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["state"] == .string("started"))
            #expect(r["name"] == .string(Self.name))
            #expect(try Self.running(dir))
            // Journaled as the command that stops it again.
            #expect(r.undo.contains { if case .undoCommand(let c) = $0 { c.hasSuffix("stop") } else { false } }, "\(r.undo)")
            r = try await run("\(svc), state: started }")
            #expect(r.status == .ok, "\(r.result)")

            // The agent is not held by the daemon the script starts: later
            // tasks on the same agent still run.
            let (recap, observer) = try await harness.run("""
                - hosts: all
                  gather_facts: false
                  tasks:
                    - service: { name: \(Self.name), state: restarted }
                    - command: echo still here
                      register: after
                    - assert: { that: ["after.stdout == 'still here'"] }
                """)
            let reports = await observer.results(SystemModuleTests.hostName)
            #expect(harness.stats(recap, SystemModuleTests.hostName).failed == 0, "\(reports.map(\.result))")
            #expect(reports.map(\.status) == [.changed, .changed, .ok])
            #expect(try Self.running(dir))

            r = try await run("\(svc), state: reloaded }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["state"] == .string("started"))
            #expect(try String(contentsOfFile: "\(dir)/log", encoding: .utf8).hasSuffix("reload\n"))

            r = try await run("\(svc), state: stopped }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["state"] == .string("stopped"))
            #expect(try !Self.running(dir))
            r = try await run("\(svc), state: stopped }")
            #expect(r.status == .ok, "\(r.result)")

            // restarted always acts (stop, then start).
            r = try await run("\(svc), state: restarted }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.running(dir))

            // enabled through update-rc.d.
            r = try await run("\(svc), enabled: true }", check: true)
            #expect(r.status == .changed)
            #expect(try !Self.enabled())
            r = try await run("\(svc), enabled: true }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["enabled"] == .bool(true))
            #expect(try Self.enabled())
            r = try await run("\(svc), enabled: true, state: started }")
            #expect(r.status == .ok, "\(r.result)")
            r = try await run("\(svc), enabled: false }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try !Self.enabled())

            // pattern= decides by the process list.
            r = try await run("\(svc), state: started, pattern: \"sleep 86400\" }")
            #expect(r.status == .ok, "\(r.result)")

            // A service that does not exist.
            r = try await run("service: { name: drover-test-no-such-svc, state: started }")
            #expect(r.status == .failed)
            #expect(r.failedMessage.contains("Could not find the requested service drover-test-no-such-svc"), "\(r.failedMessage)")
        }

        /// A stand-in systemctl: unit state in files, every call logged.
        static func fakeSystemctl(_ dir: String) throws {
            let script = """
                #!/bin/sh
                S=\(dir)
                cmd=$1; shift
                unit=
                while [ $# -gt 0 ]; do case $1 in -p) shift ;; -*) ;; *) unit=$1 ;; esac; shift; done
                echo "$cmd $unit" >> "$S/log"
                known=no; case $unit in \(name)|\(name).service) known=yes ;; esac
                case $cmd in
                  show)
                    if [ $known = no ]; then echo "Id=$unit"; echo "LoadState=not-found"; echo "ActiveState=inactive"; exit 0; fi
                    echo "Id=\(name).service"; echo "LoadState=loaded"
                    if [ -e "$S/active" ]; then echo "ActiveState=active"; echo "SubState=running"; else echo "ActiveState=inactive"; echo "SubState=dead"; fi
                    if [ -e "$S/enabled" ]; then echo "UnitFileState=enabled"; else echo "UnitFileState=disabled"; fi ;;
                  is-enabled)
                    [ $known = yes ] || { echo "Failed to get unit file state for $unit: No such file or directory" >&2; exit 1; }
                    if [ -e "$S/enabled" ]; then echo enabled; else echo disabled; exit 1; fi ;;
                  is-active) if [ -e "$S/active" ]; then echo active; else echo inactive; exit 3; fi ;;
                  start|restart|reload) touch "$S/active" ;;
                  stop) rm -f "$S/active" ;;
                  enable) touch "$S/enabled" ;;
                  disable) rm -f "$S/enabled" ;;
                  daemon-reload) ;;
                  list-unit-files) [ $known = yes ] ;;
                  *) exit 1 ;;
                esac

                """
            try FileManager.default.createDirectory(atPath: "\(dir)/bin", withIntermediateDirectories: true)
            try script.write(toFile: "\(dir)/bin/systemctl", atomically: true, encoding: .utf8)
            try SystemModuleTests.sh("chmod 755 \(dir)/bin/systemctl")
        }

        @Test("systemd: state, enabled and daemon_reload through systemctl; status holds its properties")
        func systemd() async throws {
            let dir = try scratchDirectory("systemd")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try Self.fakeSystemctl(dir)
            let harness = try PlaybookHarness("systemd", hosts: [SystemModuleTests.host])
            let env = ["PATH": "\(dir)/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
            func run(_ task: String, check: Bool = false) async throws -> HostTaskReport {
                try await SystemModuleTests.task(harness, task, check: check, environment: env)
            }
            func log() throws -> String { (try? String(contentsOfFile: "\(dir)/log", encoding: .utf8)) ?? "" }
            let unit = "systemd: { name: \(Self.name)"

            var r = try await run("\(unit), state: started, enabled: true, daemon_reload: true }", check: true)
            #expect(r.status == .changed, "\(r.result)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/active"))
            #expect(try !log().contains("daemon-reload"))

            r = try await run("\(unit), state: started, enabled: true, daemon_reload: true }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["state"] == .string("started"))
            #expect(r["enabled"] == .bool(true))
            if case .dict(let status)? = r["status"] {
                #expect(status["ActiveState"] == .string("inactive"))
                #expect(status["LoadState"] == .string("loaded"))
            } else { Issue.record("no status: \(r.result)") }
            #expect(FileManager.default.fileExists(atPath: "\(dir)/active"))
            #expect(FileManager.default.fileExists(atPath: "\(dir)/enabled"))
            #expect(try log().contains("daemon-reload"))

            r = try await run("systemd_service: { name: \(Self.name), state: started, enabled: true }")
            #expect(r.status == .ok, "\(r.result)")

            r = try await run("\(unit), state: restarted }")
            #expect(r.status == .changed)
            #expect(try log().contains("restart \(Self.name)"))

            r = try await run("\(unit), state: stopped, enabled: false }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/active"))
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/enabled"))

            // service with use: systemd runs the same logic, dropping SysV-only arguments.
            r = try await run("service: { name: \(Self.name), state: started, use: systemd, sleep: 1 }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["warnings"]?.text.contains("Ignoring \"sleep\"") == true, "\(r.result)")

            r = try await run("systemd: { name: drover-test-no-such-unit, state: started }")
            #expect(r.status == .failed)
            #expect(r.failedMessage.contains("Could not find the requested service drover-test-no-such-unit"), "\(r.failedMessage)")
        }
    }
}
