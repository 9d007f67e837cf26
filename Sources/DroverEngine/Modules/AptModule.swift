import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// apt: Debian packages with ansible.builtin.apt's arguments and results.
/// Where Ansible asks python-apt, Drover asks `dpkg-query` and `apt-cache
/// policy`; changes run `apt-get` (`--simulate` in check mode).
struct AptModule: Module {
    static let states = ["absent", "build-dep", "fixed", "latest", "present"]
    static let defaultDpkgOptions = "force-confdef,force-confold"
    static let aptGetZero = "\n0 upgraded, 0 newly installed, 0 to remove"
    static let successStamp = "/var/lib/apt/periodic/update-success-stamp"
    static let aptEnvironment: [(String, String)] = [
        ("DEBIAN_FRONTEND", "noninteractive"), ("DEBIAN_PRIORITY", "critical"),
        ("LANG", "C"), ("LC_ALL", "C"), ("LC_MESSAGES", "C"), ("LC_CTYPE", "C"), ("LANGUAGE", "C"),
    ]

    func run(_ context: ModuleContext) async throws -> ModuleResult {
        var run = AptRun(context)
        do {
            return try await run.main()
        } catch let exit as AptExit {
            return exit.result
        }
    }
}

/// An early end of the module (Ansible's exit_json/fail_json deep inside).
struct AptExit: Error {
    var result: ModuleResult
    static func fail(_ msg: String, _ values: OrderedDictionary<String, Value> = [:]) -> AptExit {
        AptExit(result: .failure(msg, values))
    }
}

/// One package's state, from dpkg-query and apt-cache policy.
struct AptPackageInfo: Sendable {
    var name: String
    /// dpkg's status abbreviation ("ii ", "rc ", "un "), or "" when dpkg does not know it.
    var status = ""
    var installedVersion: String?
    var candidate: String?
    /// Every version apt knows (the policy's version table), highest first.
    var versions: [String] = []

    var isInstalled: Bool { status.count >= 2 && Array(status)[1] == "i" && installedVersion != nil }
    /// Files on disk (installed, or removed with its configuration kept).
    var hasFiles: Bool { status.count >= 2 && Array(status)[1] != "n" }
    /// python-apt's `name in cache`: the package has at least one version.
    var inCache: Bool { !versions.isEmpty }
}

struct AptRun {
    let context: ModuleContext
    let args: ModuleArguments
    let state: String
    let dpkgOptions: [String]
    let defaultRelease: String?
    let force: Bool
    var undo: [Value] = []

    init(_ context: ModuleContext) {
        self.context = context
        args = context.arguments
        state = args.string("state") ?? "present"
        let lockTimeout = args.int("lock_timeout") ?? 60
        dpkgOptions = AptRun.expand(args.string("dpkg_options") ?? AptModule.defaultDpkgOptions) + ["-o", "DPkg::Lock::Timeout=\(lockTimeout)"]
        defaultRelease = args.string("default_release")
        force = args.bool("force")
    }

    static func expand(_ compressed: String) -> [String] {
        compressed.split(separator: ",").flatMap { ["-o", "Dpkg::Options::=--\($0)"] }
    }

    var upgradeMode: String? {
        guard let v = args["upgrade"], v != .null else { return nil }
        if case .bool(let b) = v { return b ? "yes" : nil }
        switch v.text.lowercased() {
        case "no", "false": return nil
        case "true": return "yes"
        default: return v.text
        }
    }

    func sh(_ script: String) async throws -> SystemOutput {
        try await context.runTool(script, extra: AptModule.aptEnvironment)
    }

    // MARK: main

    mutating func main() async throws -> ModuleResult {
        guard AptModule.states.contains(state) else {
            return .failure("value of state must be one of: \(AptModule.states.joined(separator: ", ")), got: \(state)")
        }
        let given = ["deb", "name", "upgrade"].filter { args[$0] != nil && args[$0] != .null }
        if given.count > 1 {
            return .failure("parameters are mutually exclusive: deb|package|upgrade")
        }
        if let mode = upgradeMode, !["dist", "full", "safe", "yes"].contains(mode) {
            return .failure("value of upgrade must be one of: dist, full, no, safe, yes, got: \(mode)")
        }
        let probe = try await sh("command -v apt-get >/dev/null 2>&1 || exit 3; date +%s; \(Self.cacheTimeScript)")
        if probe.rc == 3 { return .failure("apt-get was not found on the host: the apt module needs a Debian-family system") }
        let probeLines = SystemText.lines(probe.stdout)
        let now = probeLines.first.flatMap { Int($0) } ?? 0
        var cacheTime = probeLines.dropFirst().first.flatMap { Int($0) } ?? 0

        var packagesArgument = args.list("name") ?? []
        if args["name"] == nil || args["name"] == .null { packagesArgument = [] }
        let hasPackages = !packagesArgument.isEmpty

        if args.bool("clean") {
            let r = try await sh("apt-get clean")
            if r.rc != 0 { return .failure("apt-get clean failed", ["stdout": .string(r.stdout), "rc": .int(r.rc)]) }
            if !r.stderr.isEmpty { return .failure("apt-get clean failed: \(r.stderr)", ["stdout": .string(r.stdout), "rc": .int(r.rc)]) }
            if !hasPackages && upgradeMode == nil && args.string("deb") == nil {
                var result = ModuleResult(changed: true, msg: r.stdout)
                SystemText.output(r.stdout, r.stderr, into: &result.values)
                if context.diffMode { result.values["diff"] = Self.parseDiff(r.stdout) }
                return result
            }
        }

        var cacheUpdated = false
        let validFor = args.int("cache_valid_time") ?? 0
        if args.bool("update_cache") || validFor > 0 {
            if !(cacheTime + validFor > now) {
                try await updateCache()
                let after = Int(SystemText.lines(try await sh(Self.cacheTimeScript).stdout).first ?? "") ?? 0
                cacheUpdated = context.checkMode || after != cacheTime
                cacheTime = after
            }
            if !hasPackages && upgradeMode == nil && args.string("deb") == nil {
                return ModuleResult(changed: cacheUpdated, values: ["cache_updated": .bool(cacheUpdated), "cache_update_time": .int(cacheTime)])
            }
        }

        if let mode = upgradeMode { return try await upgrade(mode) }
        if let deb = args.string("deb") {
            if state != "present" { return .failure("deb only supports state=present") }
            return try await installDebs(deb)
        }

        let packages = packagesArgument.filter { $0 != "*" }.map { $0.trimmingCharacters(in: .whitespaces) }
        if state == "latest" && packagesArgument.contains("*") {
            if !packages.isEmpty { return .failure("unable to install additional packages when upgrading all installed packages") }
            return try await upgrade("yes")
        }
        for package in packages where package.filter({ $0 == "=" }).count > 1 {
            return .failure("invalid package spec: \(package)")
        }
        if packages.isEmpty {
            if args.bool("autoclean") { return try await cleanup("autoclean") }
            if args.bool("autoremove") { return try await cleanup("autoremove") }
        }
        let cacheValues: OrderedDictionary<String, Value> = ["cache_updated": .bool(cacheUpdated), "cache_update_time": .int(cacheTime)]
        if state == "absent" {
            return try await remove(packages)
        }
        var result = try await install(packages)
        for (k, v) in cacheValues { result.values[k] = v }
        return result
    }

    /// The cache's age, as Ansible reads it: the update-success stamp, else
    /// the lists directory (here the one apt's configuration names).
    static let cacheTimeScript = """
        if [ -e \(AptModule.successStamp) ]; then stat -c %Y \(AptModule.successStamp); else \
        L=; eval "$(apt-config shell L Dir::State::lists/d 2>/dev/null)"; L=${L:-/var/lib/apt/lists/}; \
        if [ -e "$L" ]; then stat -c %Y "$L"; else echo 0; fi; fi
        """

    func updateCache() async throws {
        if context.checkMode { return }
        let retries = max(1, args.int("update_cache_retries") ?? 5)
        let maxDelay = Double(args.int("update_cache_retry_max_delay") ?? 12)
        var lastError = ""
        for attempt in 0..<retries {
            let r = try await sh("apt-get update -q")
            if r.rc == 0 { return }
            lastError = (r.stderr.isEmpty ? r.stdout : r.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            if attempt == retries - 1 { break }
            let jitter = Double.random(in: 0..<1)
            var delay = pow(2, Double(attempt)) + jitter
            if delay > maxDelay { delay = maxDelay + jitter }
            try await Swift.Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
        throw AptExit.fail("Failed to update apt cache after \(retries) retries: \(lastError.isEmpty ? "unknown reason" : lastError)")
    }

    // MARK: install / remove

    mutating func install(_ specs: [String]) async throws -> ModuleResult {
        let buildDep = state == "build-dep"
        let upgrade = state == "latest"
        let onlyUpgrade = args.bool("only_upgrade")
        let expanded = try await expand(specs)
        var pkgList: [String] = []
        var names: [String] = []
        let split = expanded.map(Self.split)
        let infos = buildDep ? [:] : try await query(split.map(\.name))
        for (index, package) in expanded.enumerated() {
            if buildDep { pkgList.append(package); continue }
            let (name, cmp, version) = split[index]
            names.append(name)
            let s = try await status(name, cmp: cmp, version: version, installing: true, infos: infos)
            if !s.installed && onlyUpgrade { continue }
            if !s.versionInstalled && s.installable == .none {
                return .failure("no available installation candidate for \(package)")
            }
            var add: String?
            if s.installable != .none && ((!s.installed && !onlyUpgrade) || upgrade || !s.versionInstalled) {
                if case .version(let v) = s.installable { add = "\(name)=\(v)" } else if let version { add = "\(name)=\(version)" } else { add = name }
            } else if s.versionInstalled && s.installable != .none && cmp == "=" {
                add = "\(name)=\(version ?? "")"
            }
            if let add {
                pkgList.append(add)
                undo.append(.dict(["name": .string(name), "previous_version": s.previousVersion.map(Value.string) ?? .null]))
            }
        }
        var result = ModuleResult()
        if !pkgList.isEmpty {
            var argv = ["apt-get", "-y"] + dpkgOptions
            if onlyUpgrade { argv.append("--only-upgrade") }
            if state == "fixed" { argv.append("--fix-broken") }
            if force { argv.append("--force-yes") }
            if args.bool("autoremove") && !buildDep { argv.append("--auto-remove") }
            if args.bool("fail_on_autoremove") { argv.append("--no-remove") }
            if context.checkMode { argv.append("--simulate") }
            argv += [buildDep ? "build-dep" : "install"] + pkgList
            argv += commonTail()
            if args["install_recommends"] != nil, args["install_recommends"] != .null {
                argv += ["-o", "APT::Install-Recommends=\(args.bool("install_recommends") ? "yes" : "no")"]
            }
            if args.bool("allow_unauthenticated") { argv.append("--allow-unauthenticated") }
            if args.bool("allow_downgrade") { argv.append("--allow-downgrades") }
            if args.bool("allow_change_held_packages") { argv.append("--allow-change-held-packages") }
            let r = try await sh(withPolicy(SystemText.command(argv)))
            if r.rc != 0 {
                result = .failure("'\(SystemText.command(argv))' failed: \(r.stderr)")
                SystemText.output(r.stdout, r.stderr, into: &result.values)
                result.values["rc"] = .int(r.rc)
                return result
            }
            result.changed = buildDep ? !r.stdout.contains(AptModule.aptGetZero) : true
            SystemText.output(r.stdout, r.stderr, into: &result.values)
            result.values["diff"] = context.diffMode ? Self.parseDiff(r.stdout) : .dict([:])
            if !context.checkMode && !undo.isEmpty { recordUndo(&result) }
        }
        if !buildDep && !context.checkMode && !names.isEmpty {
            if let failure = try await markManual(names) { return failure }
        }
        return result
    }

    func commonTail() -> [String] {
        defaultRelease.map { ["-t", $0] } ?? []
    }

    /// `apt-mark manual`, as Ansible does after every install.
    func markManual(_ names: [String]) async throws -> ModuleResult? {
        let quoted = names.map(shellQuote).joined(separator: " ")
        let r = try await sh("""
            command -v apt-mark >/dev/null 2>&1 || exit 0
            out=$(apt-mark manual \(quoted) 2>&1); rc=$?
            case $out in *"Invalid operation"*|*"Usage: apt-mark"*) out=$(apt-mark unmarkauto \(quoted) 2>&1); rc=$? ;; esac
            [ $rc -eq 0 ] || { printf '%s' "$out" >&2; exit $rc; }
            """)
        if r.rc != 0 {
            return .failure("'apt-mark manual \(quoted)' failed: \(r.stderr)", ["stdout": .string(r.stdout), "stderr": .string(r.stderr), "rc": .int(r.rc)])
        }
        return nil
    }

    mutating func remove(_ specs: [String]) async throws -> ModuleResult {
        let purge = args.bool("purge")
        let expanded = try await expand(specs)
        let split = expanded.map(Self.split)
        let infos = try await query(split.map(\.name))
        var pkgList: [String] = []
        for (index, package) in expanded.enumerated() {
            let (name, cmp, version) = split[index]
            let s = try await status(name, cmp: cmp, version: version, installing: false, infos: infos)
            if s.versionInstalled || (s.hasFiles && purge) {
                pkgList.append(package)
                undo.append(.dict(["name": .string(name), "previous_version": infos[name]?.installedVersion.map(Value.string) ?? .null,
                                   "purged": .bool(purge)]))
            }
        }
        guard !pkgList.isEmpty else { return ModuleResult() }
        var argv = ["apt-get", "-q", "-y"] + dpkgOptions
        if purge { argv.append("--purge") }
        if force { argv.append("--force-yes") }
        if args.bool("autoremove") { argv.append("--auto-remove") }
        if context.checkMode { argv.append("--simulate") }
        if args.bool("allow_change_held_packages") { argv.append("--allow-change-held-packages") }
        argv += ["remove"] + pkgList
        let r = try await sh(withPolicy(SystemText.command(argv)))
        var result = ModuleResult()
        SystemText.output(r.stdout, r.stderr, into: &result.values)
        if r.rc != 0 {
            result.failed = true
            result.msg = "'apt-get remove \(pkgList.map(shellQuote).joined(separator: " "))' failed: \(r.stderr)"
            result.values["rc"] = .int(r.rc)
            return result
        }
        result.changed = true
        result.values["diff"] = context.diffMode ? Self.parseDiff(r.stdout) : .dict([:])
        if !context.checkMode { recordUndo(&result) }
        return result
    }

    func recordUndo(_ result: inout ModuleResult) {
        result.values["undo_hint"] = .dict(["kind": .string("package"), "manager": .string("apt"), "packages": .list(undo)])
    }
}
