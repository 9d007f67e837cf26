import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// apt: upgrade, autoremove/autoclean and .deb files.
extension AptRun {
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
