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

    // MARK: package state

    /// dpkg-query and apt-cache policy for each name, in one exec.
    func query(_ names: [String]) async throws -> [String: AptPackageInfo] {
        guard !names.isEmpty else { return [:] }
        let release = defaultRelease.map { " -o APT::Default-Release=\(shellQuote($0))" } ?? ""
        let script = "set -- \(names.map(shellQuote).joined(separator: " "))\n" + """
            for p do
              echo "@pkg $p"
              dpkg-query -W -f='@dpkg ${db:Status-Abbrev}|${Version}\\n' "$p" 2>/dev/null
              apt-cache\(release) policy "$p" 2>/dev/null
            done
            """
        let r = try await sh(script)
        var infos: [String: AptPackageInfo] = [:]
        var current: AptPackageInfo?
        var inTable = false
        func flush() { if let c = current { infos[c.name] = c } }
        for line in SystemText.lines(r.stdout) {
            if line.hasPrefix("@pkg ") {
                flush()
                current = AptPackageInfo(name: String(line.dropFirst(5)))
                inTable = false
            } else if line.hasPrefix("@dpkg ") {
                let body = line.dropFirst(6)
                let parts = body.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                let status = String(parts[0])
                let version = parts.count > 1 ? String(parts[1]) : ""
                // Multi-arch: prefer the installed instance.
                if current?.isInstalled != true {
                    current?.status = status
                    current?.installedVersion = version.isEmpty ? nil : version
                }
            } else if line.hasPrefix("  Candidate: ") {
                let c = String(line.dropFirst(13))
                current?.candidate = c == "(none)" ? nil : c
            } else if line.hasPrefix("  Version table:") {
                inTable = true
            } else if inTable, line.hasPrefix(" *** ") || (line.hasPrefix("     ") && !line.hasPrefix("      ")) {
                let words = line.replacingOccurrences(of: "***", with: "").split(separator: " ")
                if let v = words.first { current?.versions.append(String(v)) }
            }
        }
        flush()
        return infos
    }

    /// Packages that provide a virtual name (apt-cache showpkg's Reverse Provides).
    func providers(of name: String) async throws -> [String] {
        let r = try await sh("apt-cache showpkg \(shellQuote(name)) 2>/dev/null | sed -n '/^Reverse Provides:/,$p' | sed 1d")
        var seen: [String] = []
        for line in SystemText.lines(r.stdout) {
            if let first = line.split(separator: " ").first, !seen.contains(String(first)) { seen.append(String(first)) }
        }
        return seen
    }

    /// Ansible's package_split: `name`, `name=version`, `name>=version`.
    static func split(_ spec: String) -> (name: String, cmp: String?, version: String?) {
        if let r = spec.range(of: ">="), let eq = spec.firstIndex(of: "="), eq >= r.lowerBound {
            return (String(spec[..<r.lowerBound]), ">=", String(spec[r.upperBound...]))
        }
        if let i = spec.firstIndex(of: "=") {
            return (String(spec[..<i]), "=", String(spec[spec.index(after: i)...]))
        }
        return (spec, nil, nil)
    }

    enum Installable: Equatable { case none, virtual, version(String) }

    struct Status {
        var installed: Bool
        var versionInstalled: Bool
        var installable: Installable
        var hasFiles: Bool
        var previousVersion: String?
    }

    /// Ansible's package_status.
    func status(_ name: String, cmp: String?, version: String?, installing: Bool,
                infos: [String: AptPackageInfo]) async throws -> Status {
        let info = infos[name] ?? AptPackageInfo(name: name)
        guard info.inCache else {
            if !installing { return Status(installed: false, versionInstalled: false, installable: .none, hasFiles: false) }
            let provided = try await providers(of: name)
            if !provided.isEmpty {
                if provided.count == 1 {
                    let provider = provided[0]
                    let sub = try await query([provider])
                    if sub[provider]?.inCache == true {
                        let s = try await status(provider, cmp: cmp, version: version, installing: true, infos: sub)
                        if s.installed { return s }
                    }
                }
                return Status(installed: false, versionInstalled: false, installable: .virtual, hasFiles: false)
            }
            throw AptExit.fail("No package matching '\(name)' is available")
        }
        var best: String?
        if cmp == "=", let version {
            best = info.versions.first { SystemText.globMatch($0, version) }
        } else {
            best = info.candidate
        }
        var versionInstalled = false
        var installable: Installable = .none
        if info.isInstalled, let installed = info.installedVersion {
            switch cmp {
            case "=":
                versionInstalled = SystemText.globMatch(installed, version ?? "")
                if let best, installed != best, SystemText.globMatch(best, version ?? "") { installable = .version(best) }
            case ">=":
                versionInstalled = DebianVersion.compare(installed, version ?? "") >= 0
                if let best, installed != best, DebianVersion.compare(best, version ?? "") >= 0 { installable = .version(best) }
            default:
                versionInstalled = true
                if let best, installed != best { installable = .version(best) }
            }
        } else if let best {
            installable = .version(best)
        }
        return Status(installed: info.isInstalled, versionInstalled: versionInstalled, installable: installable,
                      hasFiles: info.hasFiles, previousVersion: info.isInstalled ? info.installedVersion : nil)
    }

    /// Names with glob characters become every matching package name.
    func expand(_ specs: [String]) async throws -> [String] {
        var result: [String] = []
        var allNames: [String]?
        for spec in specs {
            let (pattern, _, _) = Self.split(spec)
            guard SystemText.isGlob(pattern) else { result.append(spec); continue }
            if allNames == nil { allNames = SystemText.lines(try await sh("apt-cache pkgnames").stdout) }
            let candidates = pattern.contains(":") ? allNames! : allNames!.filter { !$0.contains(":") }
            let matches = candidates.filter { SystemText.globMatch($0, pattern) }.sorted()
            if matches.isEmpty { throw AptExit.fail("No package(s) matching '\(pattern)' available") }
            result += matches
        }
        return result
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

    // MARK: upgrade, cleanup, deb

    func upgrade(_ mode: String) async throws -> ModuleResult {
        var argv = ["apt-get", "-y"] + dpkgOptions
        if force { argv.append("--force-yes") }
        if args.bool("fail_on_autoremove") { argv.append("--no-remove") }
        if args.bool("allow_unauthenticated") { argv.append("--allow-unauthenticated") }
        if args.bool("allow_downgrade") { argv.append("--allow-downgrades") }
        if context.checkMode { argv.append("--simulate") }
        argv += mode == "dist" || mode == "full" ? ["dist-upgrade"] : ["upgrade", "--with-new-pkgs"]
        if args.bool("autoremove") { argv.append("--auto-remove") }
        argv += commonTail()
        let r = try await sh(withPolicy(SystemText.command(argv)))
        var result = ModuleResult(msg: r.stdout)
        SystemText.output(r.stdout, r.stderr, into: &result.values)
        if r.rc != 0 {
            result.failed = true
            result.msg = "'apt-get \(argv.contains("dist-upgrade") ? "dist-upgrade" : "upgrade --with-new-pkgs")' failed: \(r.stderr)"
            result.values["rc"] = .int(r.rc)
            return result
        }
        if r.stdout.contains(AptModule.aptGetZero) { return result }
        result.changed = true
        if context.diffMode { result.values["diff"] = Self.parseDiff(r.stdout) }
        if !context.checkMode { result.undo.append(.irreversible(description: "apt-get upgrade (\(mode))")) }
        return result
    }

    func cleanup(_ operation: String) async throws -> ModuleResult {
        var argv = ["apt-get", "-y"] + dpkgOptions
        if args.bool("purge") { argv.append("--purge") }
        if force { argv.append("--force-yes") }
        argv.append(operation)
        if context.checkMode { argv.append("--simulate") }
        let r = try await sh(withPolicy(SystemText.command(argv)))
        var result = ModuleResult()
        SystemText.output(r.stdout, r.stderr, into: &result.values)
        if r.rc != 0 {
            result.failed = true
            result.msg = "'apt-get \(operation)' failed: \(r.stderr)"
            result.values["rc"] = .int(r.rc)
            return result
        }
        result.changed = r.stdout.contains(operation == "autoremove" ? "The following packages will be REMOVED" : "Del ")
        if context.diffMode { result.values["diff"] = Self.parseDiff(r.stdout) }
        if result.changed && !context.checkMode { result.undo.append(.irreversible(description: "apt-get \(operation)")) }
        return result
    }

    /// deb=: local .deb files (comma-separated); apt-get resolves their dependencies.
    func installDebs(_ list: String) async throws -> ModuleResult {
        var files: [String] = []
        var undoList: [Value] = []
        for file in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if file.contains("://") {
                return .failure("Drover's apt does not download deb= URLs; fetch the file first (get_url), then give its path")
            }
            let r = try await sh("dpkg-deb -f \(shellQuote(file)) Package Version")
            if r.rc != 0 {
                return .failure("Unable to install package: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))", ["stdout": .string(r.stdout), "stderr": .string(r.stderr)])
            }
            var package = "", version = ""
            for line in SystemText.lines(r.stdout) {
                if line.hasPrefix("Package: ") { package = String(line.dropFirst(9)) }
                if line.hasPrefix("Version: ") { version = String(line.dropFirst(9)) }
            }
            let info = try await query([package])[package]
            if let installed = info?.installedVersion, info?.isInstalled == true, DebianVersion.compare(installed, version) == 0 { continue }
            files.append(file.hasPrefix("/") ? file : "./" + file)
            undoList.append(.dict(["name": .string(package), "previous_version": (info?.isInstalled == true ? info?.installedVersion : nil).map(Value.string) ?? .null]))
        }
        var result = ModuleResult()
        guard !files.isEmpty else {
            result.values["stdout"] = .string("")
            result.values["stderr"] = .string("")
            result.values["diff"] = .string("")
            return result
        }
        var argv = ["apt-get", "-y"] + dpkgOptions
        if force { argv.append("--force-yes") }
        if args.bool("fail_on_autoremove") { argv.append("--no-remove") }
        if args.bool("allow_unauthenticated") { argv.append("--allow-unauthenticated") }
        if args.bool("allow_downgrade") { argv.append("--allow-downgrades") }
        if args.bool("allow_change_held_packages") { argv.append("--allow-change-held-packages") }
        if args["install_recommends"] != nil, args["install_recommends"] != .null {
            argv += ["-o", "APT::Install-Recommends=\(args.bool("install_recommends") ? "yes" : "no")"]
        }
        if context.checkMode { argv.append("--simulate") }
        argv += ["install"] + files
        let r = try await sh(withPolicy(SystemText.command(argv)))
        SystemText.output(r.stdout, r.stderr, into: &result.values)
        if r.rc != 0 {
            result.failed = true
            result.msg = "\(SystemText.command(argv)) failed"
            return result
        }
        result.changed = true
        result.values["diff"] = context.diffMode ? Self.parseDiff(r.stdout) : .dict([:])
        if !context.checkMode {
            result.values["undo_hint"] = .dict(["kind": .string("package"), "manager": .string("apt"), "packages": .list(undoList)])
        }
        return result
    }

    /// policy_rc_d: a temporary /usr/sbin/policy-rc.d around the command.
    func withPolicy(_ command: String) -> String {
        guard let code = args.int("policy_rc_d") else { return command }
        return """
            pol=/usr/sbin/policy-rc.d; bak=
            if [ -e "$pol" ]; then bak=$(mktemp -d) && mv "$pol" "$bak/" || { echo "Fail to move $pol" >&2; exit 1; }; fi
            printf '#!/bin/sh\\nexit %d\\n' \(code) > "$pol" && chmod 0755 "$pol" || { echo "Failed to create or chmod $pol" >&2; exit 1; }
            \(command)
            rc=$?
            if [ -n "$bak" ]; then mv "$bak/policy-rc.d" "$pol"; rmdir "$bak"; else rm -f "$pol"; fi
            exit $rc
            """
    }

    /// Ansible's parse_diff: apt-get's plan between "Reading state information..." and the summary.
    static func parseDiff(_ output: String) -> Value {
        let lines = SystemText.lines(output)
        var start = lines.firstIndex(of: "Resolving dependencies...") ?? lines.firstIndex(of: "Reading state information...") ?? -1
        var end = lines.firstIndex { $0.range(of: #"^[0-9]+ (packages )?upgraded"#, options: .regularExpression) != nil } ?? lines.count
        start += 1
        end = min(end + 1, lines.count)
        let prepared = start < end ? lines[start..<end].joined(separator: "\n") : ""
        return .dict(["prepared": .string(prepared)])
    }
}

/// Debian version ordering (dpkg --compare-versions), for `name>=version`.
enum DebianVersion {
    static func compare(_ a: String, _ b: String) -> Int {
        let (ea, ua, ra) = parts(a), (eb, ub, rb) = parts(b)
        if ea != eb { return ea < eb ? -1 : 1 }
        let u = verrevcmp(ua, ub)
        if u != 0 { return u }
        return verrevcmp(ra, rb)
    }

    static func parts(_ v: String) -> (Int, String, String) {
        var rest = Substring(v.trimmingCharacters(in: .whitespaces))
        var epoch = 0
        if let colon = rest.firstIndex(of: ":"), let e = Int(rest[..<colon]) {
            epoch = e
            rest = rest[rest.index(after: colon)...]
        }
        if let dash = rest.lastIndex(of: "-") {
            return (epoch, String(rest[..<dash]), String(rest[rest.index(after: dash)...]))
        }
        return (epoch, String(rest), "")
    }

    private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if c >= 48 && c <= 57 { return 0 }
        if (c >= 65 && c <= 90) || (c >= 97 && c <= 122) { return Int(c) }
        if c == 126 { return -1 }
        return Int(c) + 256
    }

    static func verrevcmp(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while i < x.count || j < y.count {
            var firstDiff = 0
            while (i < x.count && !isDigit(x[i])) || (j < y.count && !isDigit(y[j])) {
                let ac = order(i < x.count ? x[i] : nil), bc = order(j < y.count ? y[j] : nil)
                if ac != bc { return ac < bc ? -1 : 1 }
                i += 1; j += 1
            }
            while i < x.count && x[i] == 48 { i += 1 }
            while j < y.count && y[j] == 48 { j += 1 }
            while i < x.count && isDigit(x[i]) && j < y.count && isDigit(y[j]) {
                if firstDiff == 0 { firstDiff = Int(x[i]) - Int(y[j]) }
                i += 1; j += 1
            }
            if i < x.count && isDigit(x[i]) { return 1 }
            if j < y.count && isDigit(y[j]) { return -1 }
            if firstDiff != 0 { return firstDiff < 0 ? -1 : 1 }
        }
        return 0
    }
}
