import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

extension SystemModuleTests {
    /// apt against a local flat repository with two versions of
    /// drover-test-pkg; never the network. The play's `environment:` sets
    /// APT_CONFIG to a configuration whose only source is that repository
    /// and whose package lists live in the fixture directory, so
    /// `update_cache` works offline and leaves the machine's lists alone.
    @Suite("apt and package")
    struct Apt {
        static let package = "drover-test-pkg"
        static let sourcesFile = "/etc/apt/sources.list.d/drover-test.list"

        struct Fixture {
            let directory: String
            var aptConfig: String { "\(directory)/apt.conf" }
            var environment: [String: String] { ["APT_CONFIG": aptConfig] }
        }

        static func makeFixture() throws -> Fixture {
            let dir = try scratchDirectory("apt-repo")
            let script = """
                set -e
                D=\(dir)
                mkdir -p "$D/repo" "$D/lists/partial" "$D/cache/archives/partial"
                for v in 1.0-1 1.1-1; do
                  b="$D/build-$v"
                  mkdir -p "$b/DEBIAN" "$b/usr/share/\(package)"
                  printf 'Package: \(package)\\nVersion: %s\\nArchitecture: all\\nMaintainer: Drover Tests <tests@drover.invalid>\\nDescription: Drover test package\\n' "$v" > "$b/DEBIAN/control"
                  echo "$v" > "$b/usr/share/\(package)/version"
                  dpkg-deb --build --root-owner-group "$b" "$D/repo/\(package)_${v}_all.deb" >/dev/null
                done
                cd "$D/repo"
                if command -v dpkg-scanpackages >/dev/null 2>&1; then
                  dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null
                else
                  for f in *.deb; do
                    dpkg-deb -f "$f"
                    printf 'Filename: ./%s\\nSize: %s\\nSHA256: %s\\n\\n' "$f" "$(stat -c %s "$f")" "$(sha256sum < "$f" | cut -c1-64)"
                  done > Packages
                fi
                chmod -R a+rX "$D"
                echo "deb [trusted=yes] file:$D/repo ./" > \(sourcesFile)
                cat > "$D/apt.conf" <<EOF
                Dir::Etc::sourcelist "\(sourcesFile)";
                Dir::Etc::sourceparts "-";
                Dir::State::lists "$D/lists/";
                Dir::Cache "$D/cache/";
                EOF
                # An old cache, so that the update below changes its time.
                touch -d '2 days ago' "$D/lists"
                """
            let r = try SystemModuleTests.sh(script)
            #expect(r.status == 0, "fixture: \(r.output)")
            return Fixture(directory: dir)
        }

        static func cleanUp(_ fixture: Fixture?) throws {
            try SystemModuleTests.sh("""
                dpkg -s \(package) >/dev/null 2>&1 && dpkg --purge \(package) >/dev/null 2>&1
                rm -f \(sourcesFile)
                \(fixture.map { "rm -rf \($0.directory)" } ?? "")
                true
                """)
        }

        static func installedVersion() throws -> String? {
            let r = try SystemModuleTests.sh("dpkg-query -W -f='${db:Status-Abbrev}|${Version}' \(package) 2>/dev/null")
            guard r.status == 0, r.output.hasPrefix("ii") else { return nil }
            return String(r.output.split(separator: "|").last ?? "")
        }

        @Test("update_cache, present, absent, a pinned version, latest; idempotent; check mode changes nothing")
        func lifecycle() async throws {
            try Self.cleanUp(nil)
            let fixture = try Self.makeFixture()
            defer { try? Self.cleanUp(fixture) }
            let harness = try PlaybookHarness("apt", hosts: [SystemModuleTests.host])
            let env = fixture.environment
            func run(_ task: String, check: Bool = false, diff: Bool = false) async throws -> HostTaskReport {
                try await SystemModuleTests.task(harness, task, check: check, diff: diff, environment: env)
            }

            // update_cache (offline, from the local repository), then cache_valid_time skips it.
            var r = try await run("apt: { update_cache: true }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["cache_updated"] == .bool(true))
            if case .int(let t)? = r["cache_update_time"] { #expect(t > 0) } else { Issue.record("no cache_update_time: \(r.result)") }
            r = try await run("apt: { update_cache: true, cache_valid_time: 3600 }")
            #expect(r.status == .ok, "\(r.result)")
            #expect(r["cache_updated"] == .bool(false))

            // Check mode: reported, not done.
            r = try await run("apt: { name: \(Self.package), state: present }", check: true)
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.installedVersion() == nil)

            // present installs the candidate (1.1-1); a second run changes nothing.
            r = try await run("apt: { name: \(Self.package), state: present }", diff: true)
            #expect(r.status == .changed, "\(r.result)")
            #expect(r["cache_updated"] == .bool(false))
            #expect(r["stdout"]?.text.contains("Setting up \(Self.package) (1.1-1)") == true, "\(r["stdout"]?.text ?? "")")
            if case .dict(let d)? = r["diff"] { #expect(d["prepared"]?.text.contains(Self.package) == true) } else { Issue.record("no diff") }
            // The install is journaled as the command that removes the package again.
            #expect(r.undo.contains { if case .undoCommand(let c) = $0 { c.contains("remove \(Self.package)") } else { false } }, "\(r.undo)")
            #expect(try Self.installedVersion() == "1.1-1")
            #expect(FileManager.default.fileExists(atPath: "/usr/share/\(Self.package)/version"))
            r = try await run("apt: { name: \(Self.package), state: present }")
            #expect(r.status == .ok, "\(r.result)")

            // package dispatches to apt (no facts gathered: it detects the manager).
            r = try await run("package: { name: \(Self.package), state: present }")
            #expect(r.status == .ok, "\(r.result)")

            // Check mode absent: reported, still installed.
            r = try await run("apt: { name: \(Self.package), state: absent }", check: true)
            #expect(r.status == .changed)
            #expect(try Self.installedVersion() == "1.1-1")

            // absent, twice.
            r = try await run("apt: { name: \(Self.package), state: absent }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.installedVersion() == nil)
            r = try await run("apt: { name: \(Self.package), state: absent }")
            #expect(r.status == .ok, "\(r.result)")

            // A pinned version, twice.
            r = try await run("apt: { name: \"\(Self.package)=1.0-1\" }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.installedVersion() == "1.0-1")
            r = try await run("apt: { name: \"\(Self.package)=1.0-1\" }")
            #expect(r.status == .ok, "\(r.result)")
            // present does not upgrade; >= is satisfied.
            r = try await run("apt: { name: \(Self.package) }")
            #expect(r.status == .ok, "\(r.result)")
            r = try await run("apt: { name: \"\(Self.package)>=1.0\" }")
            #expect(r.status == .ok, "\(r.result)")

            // latest: check mode, then the upgrade 1.0-1 → 1.1-1, then nothing.
            r = try await run("apt: { name: \(Self.package), state: latest }", check: true)
            #expect(r.status == .changed)
            #expect(try Self.installedVersion() == "1.0-1")
            r = try await run("apt: { name: \(Self.package), state: latest }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.installedVersion() == "1.1-1")
            r = try await run("apt: { name: \(Self.package), state: latest }")
            #expect(r.status == .ok, "\(r.result)")

            // Unknown packages fail clearly.
            r = try await run("apt: { name: drover-test-no-such-pkg }")
            #expect(r.status == .failed)
            #expect(r.failedMessage.contains("No package matching 'drover-test-no-such-pkg' is available"), "\(r.failedMessage)")

            // purge removes it for good.
            r = try await run("apt: { name: \(Self.package), state: absent, purge: true }")
            #expect(r.status == .changed, "\(r.result)")
            #expect(try Self.installedVersion() == nil)
        }

        @Test("package fails clearly for a manager Drover does not drive")
        func unsupportedManager() async throws {
            let harness = try PlaybookHarness("package", hosts: [SystemModuleTests.host])
            let r = try await SystemModuleTests.task(harness, "package: { name: foo, use: dnf }")
            #expect(r.status == .failed)
            #expect(r.failedMessage.contains("supports apt only"), "\(r.failedMessage)")
        }
    }
}
