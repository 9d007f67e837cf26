import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// apt: what is installed and available (dpkg-query, apt-cache policy).
extension AptRun {
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
}
