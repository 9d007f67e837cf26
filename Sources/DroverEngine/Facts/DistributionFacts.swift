/// Ansible's distribution facts (`ansible_distribution`, `_version`,
/// `_major_version`, `_minor_version`, `_release`, `ansible_os_family`)
/// from the files the agent sends, following ansible-core 2.19's
/// `facts/system/distribution.py` and the `distro` library it uses: a first
/// guess from os-release, then the distribution files in Ansible's order,
/// the first one that parses winning.
struct DistributionFacts: Equatable {
    var distribution: String
    var version: String
    var majorVersion: String
    var minorVersion: String?
    var release: String
    var osFamily: String

    /// Ansible's OS_FAMILY_MAP: a distribution's family; one not listed is its own family.
    static let family: [String: String] = {
        let map: [String: [String]] = [
            "RedHat": ["RedHat", "RHEL", "Fedora", "CentOS", "Scientific", "SLC", "Ascendos", "CloudLinux", "PSBM",
                       "OracleLinux", "OVS", "OEL", "Amazon", "Amzn", "Virtuozzo", "XenServer", "Alibaba", "EulerOS",
                       "openEuler", "AlmaLinux", "Rocky", "TencentOS", "EuroLinux", "Kylin Linux Advanced Server", "MIRACLE"],
            "Debian": ["Debian", "Ubuntu", "Raspbian", "Neon", "KDE neon", "Linux Mint", "SteamOS", "Devuan", "Kali",
                       "Cumulus Linux", "Pop!_OS", "Parrot", "Pardus GNU/Linux", "Uos", "Deepin", "OSMC",
                       "Linux Mint Debian Edition"],
            "Suse": ["SuSE", "SLES", "SLED", "openSUSE", "openSUSE Tumbleweed", "SLES_SAP", "SUSE_LINUX", "openSUSE Leap",
                     "ALP-Dolomite", "SL-Micro", "openSUSE MicroOS"],
            "Archlinux": ["Archlinux", "Antergos", "Manjaro"],
            "Mandrake": ["Mandrake", "Mandriva"],
            "Solaris": ["Solaris", "Nexenta", "OmniOS", "OpenIndiana", "SmartOS"],
            "Slackware": ["Slackware"],
            "Altlinux": ["Altlinux"],
            "SMGL": ["SMGL"],
            "Gentoo": ["Gentoo", "Funtoo"],
            "Alpine": ["Alpine"],
            "AIX": ["AIX"],
            "HP-UX": ["HPUX"],
            "Darwin": ["MacOSX"],
            "FreeBSD": ["FreeBSD", "TrueOS"],
            "ClearLinux": ["Clear Linux OS", "Clear Linux Mix"],
            "DragonFly": ["DragonflyBSD", "DragonFlyBSD", "Gentoo/DragonflyBSD", "Gentoo/DragonFlyBSD"],
            "NetBSD": ["NetBSD"],
        ]
        var result: [String: String] = [:]
        for (family, names) in map { for name in names { result[name] = family } }
        return result
    }()

    static func osFamily(of distribution: String) -> String { family[distribution] ?? distribution }

    /// `file(path)`: the lines of a file the agent sent; `exists(path)`: whether a probed path exists.
    static func detect(system: String, kernel: String, kernelVersion: String,
                       file: (String) -> [String]?, exists: (String) -> Bool) -> DistributionFacts {
        var facts = DistributionFacts(distribution: system, version: kernelVersion, majorVersion: "NA",
                                      minorVersion: nil, release: kernel, osFamily: system)
        if system == "Linux" {
            facts = linux(file: file, exists: exists)
        } else if system == "FreeBSD" {
            if let m = kernel.firstMatch(of: #/(\d+)\.(\d+)-(RELEASE|STABLE|CURRENT|RC|PRERELEASE)/#) {
                facts.majorVersion = String(m.1)
                facts.version = "\(m.1).\(m.2)"
            }
        }
        facts.osFamily = osFamily(of: facts.distribution)
        return facts
    }

    // MARK: Linux

    private static func linux(file: (String) -> [String]?, exists: (String) -> Bool) -> DistributionFacts {
        let osReleaseLines = file("/etc/os-release") ?? file("/usr/lib/os-release")
        let osRelease = OSRelease(osReleaseLines ?? [])
        let lsb = OSRelease(file("/etc/lsb-release") ?? [])
        // distro's "distro release file": the first of /etc/*-release by name that the agent sends.
        let releaseFile = ["/etc/centos-release", "/etc/oracle-release", "/etc/redhat-release"]
            .compactMap { file($0)?.first }.first.map(parseReleaseLine) ?? [:]

        // 1. The guess (ansible.module_utils.common.sys_info).
        let id = distroID(osRelease: osRelease, lsb: lsb)
        var guessName = pythonCapitalize(id)
        if guessName == "Amzn" { guessName = "Amazon" } else if guessName == "Rhel" { guessName = "Redhat" } else if guessName.isEmpty { guessName = "OtherLinux" }
        var versions = [osRelease["VERSION_ID"] ?? "", lsb["DISTRIB_RELEASE"] ?? "", releaseFile["version_id"] ?? "",
                        parseReleaseLine(osRelease["PRETTY_NAME"] ?? "")["version_id"] ?? "",
                        parseReleaseLine(lsb["DISTRIB_DESCRIPTION"] ?? "")["version_id"] ?? ""]
        let like = (osRelease["ID_LIKE"] ?? "").lowercased().split(separator: " ")
        if id == "debian" || like.contains("debian") {
            versions.append(file("/etc/debian_version")?.first.map(FactsText.trim) ?? "")
        }
        var version = versions.first { !$0.isEmpty } ?? ""
        if id == "debian" || id == "centos" {
            // distro's `best`: the last of the most precise.
            var best = ""
            for v in versions where best.isEmpty || dots(v) > dots(best) { best = v }
            version = id == "centos" ? best.split(separator: ".", omittingEmptySubsequences: false).prefix(2).joined(separator: ".") : best
        }
        var codename: String? = osRelease["VERSION_CODENAME"] ?? osRelease["UBUNTU_CODENAME"]
        if codename == nil, id == "ubuntu" { codename = lsb["DISTRIB_CODENAME"] }
        if codename == nil {
            let derived = osRelease.codename ?? lsb["DISTRIB_CODENAME"] ?? releaseFile["codename"] ?? ""
            codename = derived.isEmpty ? nil : derived
        }
        var facts = DistributionFacts(distribution: guessName.isEmpty ? "NA" : guessName,
                                      version: version.isEmpty ? "NA" : version, majorVersion: "NA", minorVersion: nil,
                                      release: codename ?? "NA", osFamily: "")
        let major = FactsText.firstPart(facts.version)
        facts.majorVersion = major.isEmpty ? "NA" : major

        // 2. The distribution files, in Ansible's order (OSDIST_LIST); the first that parses wins.
        let candidates: [(path: String, name: String, text: String?)] = [
            ("/etc/oracle-release", "OracleLinux", text(file("/etc/oracle-release"))),
            ("/etc/centos-release", "CentOS", text(file("/etc/centos-release"))),
            ("/etc/redhat-release", "RedHat", text(file("/etc/redhat-release"))),
            ("/etc/vmware-release", "VMwareESX", exists("/etc/vmware-release") ? "" : nil),
            ("/etc/openwrt_release", "OpenWrt", text(file("/etc/openwrt_release"))),
            ("/etc/os-release", "Amazon", text(file("/etc/os-release"))),
            ("/etc/system-release", "Amazon", text(file("/etc/system-release"))),
            ("/etc/alpine-release", "Alpine", text(file("/etc/alpine-release"))),
            ("/etc/arch-release", "Archlinux", exists("/etc/arch-release") ? "" : nil),
            ("/etc/os-release", "Archlinux", text(file("/etc/os-release"))),
            ("/etc/os-release", "SUSE", text(file("/etc/os-release"))),
            ("/etc/os-release", "Debian", text(file("/etc/os-release"))),
            ("/etc/lsb-release", "Debian", text(file("/etc/lsb-release"))),
            ("/etc/lsb-release", "Mandriva", text(file("/etc/lsb-release"))),
            ("/usr/lib/os-release", "ClearLinux", text(file("/usr/lib/os-release"))),
            ("/etc/os-release", "Flatcar", text(file("/etc/os-release"))),
            ("/etc/os-release", "NA", text(file("/etc/os-release"))),
        ]
        for candidate in candidates {
            guard let data = candidate.text else { continue }
            if ["VMwareESX", "Archlinux"].contains(candidate.name) && candidate.path != "/etc/os-release" {
                facts.distribution = candidate.name  // allowempty: existing is enough
                break
            }
            if parseFile(candidate.name, path: candidate.path, data: data, id: id,
                         debianVersion: file("/etc/debian_version") ?? [], into: &facts) { break }
        }
        return facts
    }

    /// One distribution file's parser; true when it recognised the file.
    private static func parseFile(_ name: String, path: String, data raw: String, id: String,
                                  debianVersion: [String], into facts: inout DistributionFacts) -> Bool {
        guard !raw.isEmpty else { return false }
        let data = FactsText.strip(raw, "'\"\\")
        var parsed = facts
        parsed.distribution = name
        switch name {
        case "OracleLinux", "RedHat":  // SEARCH_STRING: the name, or the file's first word
            let search = name == "OracleLinux" ? "Oracle Linux" : "Red Hat"
            parsed.distribution = data.contains(search) ? name : FactsText.words(data).first ?? ""
        case "CentOS":
            if data.contains("CentOS Stream") { parsed.release = "Stream" }
            else if data.contains("TencentOS Server") { parsed.distribution = "TencentOS" }
            else { return false }
        case "OpenWrt":
            guard data.contains("OpenWrt") else { return false }
            if let m = data.firstMatch(of: #/DISTRIB_RELEASE="(.*)"/#) { parsed.version = String(m.1) }
            if let m = data.firstMatch(of: #/DISTRIB_CODENAME="(.*)"/#) { parsed.release = String(m.1) }
        case "Amazon":
            guard data.contains("Amazon") else { return false }
            if path == "/etc/os-release" {
                if let m = data.firstMatch(of: #/VERSION_ID="(.*)"/#) {
                    parsed.version = String(m.1)
                    let parts = m.1.split(separator: ".", omittingEmptySubsequences: false)
                    parsed.majorVersion = String(parts[0])
                    parsed.minorVersion = parts.count > 1 ? String(parts[1]) : "NA"
                }
            } else {
                parsed.version = FactsText.words(data).first(where: FactsText.isDigits) ?? "NA"
            }
        case "Alpine":
            parsed.version = FactsText.trim(raw)
        case "Archlinux":
            guard data.contains("Arch Linux") else { return false }
        case "SUSE":
            guard data.lowercased().contains("suse") else { return false }
            parseSUSE(data, into: &parsed)
        case "Debian":
            guard parseDebian(data, path: path, into: &parsed) else { return false }
            if parsed.distribution == "Debian", data.contains("Debian") || data.contains("Raspbian") {
                for line in debianVersion {
                    if let m = FactsText.trim(line).firstMatch(of: #/(\d+)\.(\d+)/#) { parsed.minorVersion = String(m.2) }
                }
            }
        case "Mandriva":
            guard data.contains("Mandriva") else { return false }
            if let m = data.firstMatch(of: #/DISTRIB_RELEASE="(.*)"/#) { parsed.version = String(m.1) }
            if let m = data.firstMatch(of: #/DISTRIB_CODENAME="(.*)"/#) { parsed.release = String(m.1) }
        case "ClearLinux":
            guard let m = data.firstMatch(of: #/NAME="(.*)"/#), m.1.contains("Clear Linux") else { return false }
            parsed.distribution = String(m.1)
            if let v = data.firstMatch(of: #/VERSION_ID=(.*)/#) { parsed.version = String(v.1); parsed.majorVersion = String(v.1) }
            if let r = data.firstMatch(of: #/ID=(.*)/#) { parsed.release = String(r.1) }
        case "Flatcar":
            guard id == "flatcar" else { return false }
            if let m = data.firstMatch(of: #/VERSION=(.*)/#) {
                let v = FactsText.strip(m.1, "\"")
                parsed.version = v
                parsed.majorVersion = FactsText.firstPart(v)
            }
        default:  // "NA": os-release's NAME, and VERSION when nothing gave a version
            for line in data.split(separator: "\n") {
                if let m = line.firstMatch(of: #/^NAME=(.*)/#) { parsed.distribution = FactsText.strip(m.1, "\"") }
                if let m = line.firstMatch(of: #/^VERSION=(.*)/#), facts.version == "NA" { parsed.version = FactsText.strip(m.1, "\"") }
            }
        }
        facts = parsed
        return true
    }

    private static func parseSUSE(_ data: String, into facts: inout DistributionFacts) {
        let lower = data.lowercased()
        for line in data.split(separator: "\n") {
            if let m = line.firstMatch(of: #/^NAME=(.*)/#) { facts.distribution = FactsText.strip(m.1, "\"") }
            if let m = line.firstMatch(of: #/^VERSION_ID="?([0-9]+\.?[0-9]*)"?/#) {
                facts.version = String(m.1)
                facts.majorVersion = FactsText.firstPart(m.1)
            }
            if lower.contains("open") {
                if let m = line.firstMatch(of: #/^VERSION_ID="?[0-9]+\.?([0-9]*)"?/#) { facts.release = String(m.1) }
            } else if lower.contains("enterprise"), line.contains("VERSION_ID"),
                      let m = line.firstMatch(of: #/^VERSION_ID="?[0-9]+\.?([0-9]*)"?/#) {
                facts.release = m.1.isEmpty ? "0" : String(m.1)
            }
        }
        if let m = data.split(separator: "\n").lazy.compactMap({ $0.firstMatch(of: #/^VARIANT_ID="?([^"]*)"?/#) }).first {
            if m.1 == "server-sap" || m.1 == "sles-sap" { facts.distribution = "SLES_SAP" }
            else if m.1 == "transactional" { facts.distribution = "SL-Micro" }
        }
    }

    private static func parseDebian(_ data: String, path: String, into facts: inout DistributionFacts) -> Bool {
        func versionID(_ facts: inout DistributionFacts, splitMajor: Bool) {
            if let m = data.firstMatch(of: #/VERSION_ID="(.*)"/#) {
                facts.version = String(m.1)
                facts.majorVersion = splitMajor ? FactsText.firstPart(m.1) : String(m.1)
            }
        }
        if data.contains("Debian") || data.contains("Raspbian") {
            facts.distribution = "Debian"
            if let m = data.firstMatch(of: #/PRETTY_NAME=[^(]+ \(?([^)]+?)\)/#) { facts.release = String(m.1) }
        } else if data.contains("Ubuntu") {
            facts.distribution = "Ubuntu"
        } else if data.contains("SteamOS") {
            facts.distribution = "SteamOS"
        } else if (path == "/etc/lsb-release" || path == "/etc/os-release") && (data.contains("Kali") || data.contains("Parrot")) {
            facts.distribution = data.contains("Kali") ? "Kali" : "Parrot"
            if let m = data.firstMatch(of: #/DISTRIB_RELEASE=(.*)/#) { facts.release = String(m.1) }
        } else if data.contains("Devuan") {
            facts.distribution = "Devuan"
            if let m = data.firstMatch(of: #/PRETTY_NAME="?[^("]+ \(?([^) "]+)\)?/#) { facts.release = String(m.1) }
            versionID(&facts, splitMajor: false)
        } else if data.contains("Cumulus") {
            facts.distribution = "Cumulus Linux"
            if let m = data.firstMatch(of: #/VERSION_ID=(.*)/#) {
                facts.version = String(m.1)
                facts.majorVersion = FactsText.firstPart(m.1)
            }
            if let m = data.firstMatch(of: #/VERSION="(.*)"/#) { facts.release = String(m.1) }
        } else if data.contains("Mint") {
            facts.distribution = "Linux Mint"
            versionID(&facts, splitMajor: true)
        } else if data.contains("UOS") || data.contains("Uos") || data.contains("uos") {
            facts.distribution = "Uos"
            if let m = data.firstMatch(of: #/VERSION_CODENAME="?([^"\n]+)"?/#) { facts.release = String(m.1) }
            versionID(&facts, splitMajor: true)
        } else if data.contains("Deepin") || data.contains("deepin") {
            facts.distribution = "Deepin"
            if let m = data.firstMatch(of: #/VERSION_CODENAME="?([^"\n]+)"?/#) { facts.release = String(m.1) }
            versionID(&facts, splitMajor: true)
        } else if data.contains("LMDE") {
            facts.distribution = "Linux Mint Debian Edition"
        } else {
            return false
        }
        return true
    }

    /// `distro.id()`: os-release ID, else lsb DISTRIB_ID, normalized.
    private static func distroID(osRelease: OSRelease, lsb: OSRelease) -> String {
        func normalize(_ id: String) -> String { String(id.lowercased().map { $0 == " " ? "_" : $0 }) }
        if let id = osRelease["ID"], !id.isEmpty {
            let n = normalize(id)
            return ["ol": "oracle", "opensuse-leap": "opensuse"][n] ?? n
        }
        if let id = lsb["DISTRIB_ID"], !id.isEmpty {
            let n = normalize(id)
            return ["enterpriseenterpriseas": "oracle", "enterpriseenterpriseserver": "oracle",
                    "redhatenterpriseworkstation": "rhel", "redhatenterpriseserver": "rhel",
                    "redhatenterprisecomputenode": "rhel"][n] ?? n
        }
        return ""
    }

    /// distro's parse of a release line ("CentOS Linux release 7.9.2009 (Core)"): name, version_id, codename.
    static func parseReleaseLine(_ line: String) -> [String: String] {
        let reversed = String(FactsText.trim(line).reversed())
        guard !reversed.isEmpty else { return [:] }
        guard let m = reversed.wholeMatch(of: #/(?:[^)]*\)(.*)\()? *(?:STL )?([\d.+\-a-z]*\d) *(?:esaeler *)?(.+)/#) else {
            return ["name": FactsText.trim(line)]
        }
        var info = ["name": String(m.3.reversed())]
        if !m.2.isEmpty { info["version_id"] = String(m.2.reversed()) }
        if let codename = m.1, !codename.isEmpty { info["codename"] = String(codename.reversed()) }
        return info
    }

    private static func text(_ lines: [String]?) -> String? { lines?.joined(separator: "\n") }
    private static func dots(_ s: String) -> Int { s.filter { $0 == "." }.count }

    /// Python's str.capitalize(): first character upper, the rest lower.
    private static func pythonCapitalize(_ s: String) -> String {
        guard let first = s.first else { return "" }
        return first.uppercased() + s.dropFirst().lowercased()
    }
}

/// An os-release (or lsb-release) file: KEY=value lines, shell-quoted values.
struct OSRelease {
    private var values: [String: String] = [:]

    init(_ lines: [String]) {
        for line in lines {
            let trimmed = FactsText.trim(line)
            guard !trimmed.hasPrefix("#"), let eq = trimmed.firstIndex(of: "=") else { continue }
            values[String(trimmed[..<eq])] = Self.unquote(String(trimmed[trimmed.index(after: eq)...]))
        }
    }

    subscript(key: String) -> String? { values[key] }

    /// distro's codename from VERSION: "9.3 (Plow)" or "15, SP5" style.
    var codename: String? {
        guard let version = values["VERSION"], let m = version.firstMatch(of: #/\((\D+)\)|,\s*(\D+)/#) else { return nil }
        return String(m.1 ?? m.2 ?? "")
    }

    static func unquote(_ value: String) -> String {
        guard let q = value.first, q == "\"" || q == "'", value.count >= 2, value.last == q else { return value }
        let inner = value.dropFirst().dropLast()
        guard q == "\"" else { return String(inner) }
        var out = ""
        var escaped = false
        for c in inner {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}

/// Text helpers of the facts parsers (Python's strip, split and friends).
enum FactsText {
    static func trim(_ s: some StringProtocol) -> String {
        String(s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Python's str.strip(chars).
    static func strip(_ s: some StringProtocol, _ chars: String) -> String {
        String(s.drop(while: chars.contains).reversed().drop(while: chars.contains).reversed())
    }

    /// Python's str.split('.')[0].
    static func firstPart(_ s: some StringProtocol, _ separator: Character = ".") -> String {
        String(s.split(separator: separator, omittingEmptySubsequences: false).first ?? "")
    }

    /// Python's str.split() (runs of whitespace).
    static func words(_ s: some StringProtocol) -> [String] {
        String(s).split(whereSeparator: { (c: Character) in c.isWhitespace }).map(String.init)
    }

    static func isDigits(_ s: some StringProtocol) -> Bool {
        !s.isEmpty && s.allSatisfy { ("0"..."9").contains($0) }
    }
}
