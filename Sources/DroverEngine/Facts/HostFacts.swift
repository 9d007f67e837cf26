import DroverCore
import OrderedCollections

/// The agent's `facts` output (raw `key=value` lines, docs/agent-protocol.md,
/// "facts keys") turned into the `ansible_*` facts that `gather_facts` /
/// `setup` give in Ansible, with Ansible's names and shapes (ansible-core
/// 2.19, Linux). Pure: no I/O.
public enum HostFacts {
    public static func parse(_ agentOutput: String) -> OrderedDictionary<String, Value> {
        let raw = RawFacts(agentOutput)
        var facts: OrderedDictionary<String, Value> = [:]

        // Platform
        let system = raw.first("system") ?? ""
        let nodename = raw.first("hostname") ?? ""
        let kernel = raw.first("kernel") ?? ""
        let kernelVersion = raw.first("kernel_version") ?? ""
        let machine = raw.first("machine") ?? ""
        let fqdn = fqdn(raw, nodename: nodename)
        facts["ansible_system"] = .string(system)
        facts["ansible_kernel"] = .string(kernel)
        facts["ansible_kernel_version"] = .string(kernelVersion)
        facts["ansible_machine"] = .string(machine)
        facts["ansible_architecture"] = .string(machine)
        facts["ansible_nodename"] = .string(nodename)
        facts["ansible_hostname"] = .string(FactsText.firstPart(nodename))
        facts["ansible_fqdn"] = .string(fqdn)
        facts["ansible_domain"] = .string(fqdn.split(separator: ".", omittingEmptySubsequences: false).dropFirst().joined(separator: "."))
        if let id = raw.file("/etc/machine-id")?.first { facts["ansible_machine_id"] = .string(FactsText.trim(id)) }

        // Distribution
        let dist = DistributionFacts.detect(system: system, kernel: kernel, kernelVersion: kernelVersion,
                                            file: raw.file, exists: raw.exists)
        facts["ansible_distribution"] = .string(dist.distribution)
        facts["ansible_distribution_version"] = .string(dist.version)
        facts["ansible_distribution_major_version"] = .string(dist.majorVersion)
        if let minor = dist.minorVersion { facts["ansible_distribution_minor_version"] = .string(minor) }
        facts["ansible_distribution_release"] = .string(dist.release)
        facts["ansible_os_family"] = .string(dist.osFamily)

        let env = environment(raw)
        user(raw, env: env, into: &facts)
        processors(raw, architecture: machine, into: &facts)
        memory(raw, into: &facts)
        if let up = raw.file("/proc/uptime")?.first, let seconds = FactsText.words(up).first.flatMap(Double.init) {
            facts["ansible_uptime_seconds"] = .int(Int(seconds))
        }
        facts["ansible_mounts"] = .list(mounts(raw))
        network(raw, machine: machine, into: &facts)
        facts["ansible_env"] = .dict(env)
        if let date = dateTime(raw) { facts["ansible_date_time"] = .dict(date) }
        facts["ansible_service_mgr"] = .string(serviceManager(raw, system: system, distribution: dist.distribution))
        facts["ansible_pkg_mgr"] = .string(packageManager(raw, osFamily: dist.osFamily))
        facts["ansible_selinux"] = .dict(selinux(raw))
        let virt = virtualization(raw)
        facts["ansible_virtualization_type"] = .string(virt.type)
        facts["ansible_virtualization_role"] = .string(virt.role)
        return facts
    }

    /// Python's socket.getfqdn(): the first name with a dot among the names
    /// of the host's address, else its canonical name; the node name when
    /// the lookup failed.
    static func fqdn(_ raw: RawFacts, nodename: String) -> String {
        if let line = raw.first("fqdn_names") {
            let names = FactsText.words(line)
            return names.first { $0.contains(".") } ?? names.first ?? nodename
        }
        if let f = raw.first("fqdn"), !f.isEmpty { return f }
        return nodename
    }

    // MARK: User

    static func environment(_ raw: RawFacts) -> OrderedDictionary<String, Value> {
        var pairs: [(String, String)] = []
        for line in raw.all("env") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            pairs.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
        }
        var env: OrderedDictionary<String, Value> = [:]
        for (name, value) in pairs.sorted(by: { $0.0 < $1.0 }) { env[name] = .string(value) }
        return env
    }

    static func user(_ raw: RawFacts, env: OrderedDictionary<String, Value>, into facts: inout OrderedDictionary<String, Value>) {
        // `id`: uid=0(root) gid=0(root) [euid=…] groups=…
        var ids: [String: (number: Int, name: String?)] = [:]
        for word in FactsText.words(raw.first("id") ?? "") {
            guard let eq = word.firstIndex(of: "=") else { continue }
            let value = word[word.index(after: eq)...]
            guard let number = Int(value.prefix { ("0"..."9").contains($0) }) else { continue }
            var name: String?
            if let open = value.firstIndex(of: "("), let close = value.firstIndex(of: ")"), open < close {
                name = String(value[value.index(after: open)..<close])
            }
            ids[String(word[..<eq])] = (number, name)
        }
        let passwd = (raw.first("passwd") ?? "").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        // getpass.getuser(): the login name from the environment first.
        let fromEnv = ["LOGNAME", "USER", "LNAME", "USERNAME"].lazy.compactMap { env[$0]?.stringValue }.first { !$0.isEmpty }
        let name = fromEnv ?? (passwd.count >= 7 ? passwd[0] : ids["uid"]?.name)
        if let name { facts["ansible_user_id"] = .string(name) }
        if passwd.count >= 7 {
            if let uid = Int(passwd[2]) { facts["ansible_user_uid"] = .int(uid) }
            if let gid = Int(passwd[3]) { facts["ansible_user_gid"] = .int(gid) }
            facts["ansible_user_gecos"] = .string(passwd[4])
            facts["ansible_user_dir"] = .string(passwd[5])
            facts["ansible_user_shell"] = .string(passwd[6])
        } else {
            if let uid = ids["uid"] { facts["ansible_user_uid"] = .int(uid.number) }
            if let gid = ids["gid"] { facts["ansible_user_gid"] = .int(gid.number) }
        }
        if let uid = ids["uid"] {
            facts["ansible_real_user_id"] = .int(uid.number)
            facts["ansible_effective_user_id"] = .int((ids["euid"] ?? uid).number)
        }
        if let gid = ids["gid"] {
            facts["ansible_real_group_id"] = .int(gid.number)
            facts["ansible_effective_group_id"] = .int(gid.number)  // os.getgid(), as Ansible does
        }
    }

    // MARK: Hardware

    /// Ansible's get_cpu_facts over the /proc/cpuinfo lines the agent kept.
    static func processors(_ raw: RawFacts, architecture: String, into facts: inout OrderedDictionary<String, Value>) {
        let nproc = raw.first("nproc").flatMap { Int(FactsText.trim($0)) }
        let lines = raw.all("cpuinfo")
        guard !lines.isEmpty else {
            if let nproc {
                facts["ansible_processor_vcpus"] = .int(nproc)
                facts["ansible_processor_nproc"] = .int(nproc)
            }
            return
        }
        var processor: [Value] = []
        var count = 0, vendorIDs = 0, modelNames = 0, processorLines = 0
        var sockets: OrderedDictionary<String, Int> = [:]
        var cores: OrderedDictionary<String, Int> = [:]
        var physid = "0", coreid = "0"
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let key = FactsText.trim(parts[0])
            let value = parts.count > 1 ? FactsText.trim(parts[1]) : ""
            switch key {
            case "model name", "Processor", "vendor_id", "cpu", "Vendor", "processor":
                processor.append(.string(value))
                if key == "vendor_id" { vendorIDs += 1 }
                if key == "model name" { modelNames += 1 }
                if key == "processor" { processorLines += 1 }
                count += 1
            case "physical id":
                physid = value
                if sockets[physid] == nil { sockets[physid] = 1 }
            case "core id":
                coreid = value
                if sockets[coreid] == nil { cores[coreid] = 1 }  // sic: Ansible checks `sockets` here
            case "cpu cores": sockets[physid] = Int(value) ?? 0
            case "siblings": cores[coreid] = Int(value) ?? 0
            default: break
            }
        }
        if vendorIDs > 0 && vendorIDs == modelNames { count = vendorIDs }
        if architecture.hasPrefix("armv") || architecture.hasPrefix("aarch") || architecture.hasPrefix("ppc") { count = processorLines }
        let processorCount = sockets.isEmpty ? count : sockets.count
        let processorCores = sockets.values.first.flatMap { $0 > 0 ? $0 : nil } ?? 1
        // Python's round(): halves to even.
        let perCore = Int((Double(cores.values.first ?? 1) / Double(processorCores)).rounded(.toNearestOrEven))
        facts["ansible_processor"] = .list(processor)
        facts["ansible_processor_count"] = .int(processorCount)
        facts["ansible_processor_cores"] = .int(processorCores)
        facts["ansible_processor_threads_per_core"] = .int(perCore)
        facts["ansible_processor_vcpus"] = .int(perCore * processorCount * processorCores)
        facts["ansible_processor_nproc"] = .int(nproc ?? processorLines)
    }

    static func memory(_ raw: RawFacts, into facts: inout OrderedDictionary<String, Value>) {
        var mb: [String: Int] = [:]
        for line in raw.all("meminfo") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let kb = FactsText.words(parts[1]).first.flatMap({ Int($0) }) else { continue }
            mb[String(parts[0])] = kb / 1024
        }
        for key in ["MemTotal", "SwapTotal", "MemFree", "SwapFree"] {
            if let v = mb[key] { facts["ansible_\(key.lowercased())_mb"] = .int(v) }
        }
        guard !mb.isEmpty else { return }
        func v(_ n: Int?) -> Value { n.map(Value.int) ?? .null }
        let total = mb["MemTotal"], free = mb["MemFree"]
        let nocacheFree = mb["Cached"].flatMap { c in free.flatMap { f in mb["Buffers"].map { c + f + $0 } } }
        facts["ansible_memory_mb"] = .dict([
            "real": .dict(["total": v(total), "used": v(total.flatMap { t in free.map { t - $0 } }), "free": v(free)]),
            "nocache": .dict(["free": v(nocacheFree), "used": v(total.flatMap { t in nocacheFree.map { t - $0 } })]),
            "swap": .dict(["total": v(mb["SwapTotal"]), "free": v(mb["SwapFree"]),
                           "used": v(mb["SwapTotal"].flatMap { t in mb["SwapFree"].map { t - $0 } }),
                           "cached": v(mb["SwapCached"])]),
        ])
    }

    /// Ansible's ansible_mounts: mount lines (as /proc/mounts, octal escapes)
    /// joined by mount point with the statfs lines; later duplicates win.
    static func mounts(_ raw: RawFacts) -> [Value] {
        var sizes: [String: [Int]] = [:]
        for line in raw.all("statfs") {
            let parts = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
            guard parts.count == 7 else { continue }
            let numbers = parts.prefix(6).compactMap { Int($0) }
            if numbers.count == 6 { sizes[String(parts[6])] = numbers }
        }
        var byMount: OrderedDictionary<String, Value> = [:]
        for line in raw.all("mount") {
            let fields = FactsText.words(line).map(unescapeOctal)
            guard fields.count >= 4 else { continue }
            var mount: OrderedDictionary<String, Value> = [
                "mount": .string(fields[1]), "device": .string(fields[0]), "fstype": .string(fields[2]),
                "options": .string(fields[3]),
                "dump": .int(fields.count > 4 ? Int(fields[4]) ?? 0 : 0),
                "passno": .int(fields.count > 5 ? Int(fields[5]) ?? 0 : 0),
            ]
            if let s = sizes[fields[1]] {  // frsize blocks bavail bsize files ffree
                mount["size_total"] = .int(s[0] * s[1])
                mount["size_available"] = .int(s[0] * s[2])
                mount["block_size"] = .int(s[3])
                mount["block_total"] = .int(s[1])
                mount["block_available"] = .int(s[2])
                mount["block_used"] = .int(s[1] - s[2])
                mount["inode_total"] = .int(s[4])
                mount["inode_available"] = .int(s[5])
                mount["inode_used"] = .int(s[4] - s[5])
            }
            byMount[fields[1]] = .dict(mount)
        }
        return Array(byMount.values)
    }

    /// /proc/mounts escapes (`\040` for a space).
    static func unescapeOctal(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        let scalars = Array(field.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\\", i + 3 < scalars.count,
               scalars[(i + 1)...(i + 3)].allSatisfy({ ("0"..."7").contains($0) }),
               let scalar = Unicode.Scalar(scalars[(i + 1)...(i + 3)].reduce(UInt32(0)) { $0 * 8 + $1.value - 48 }) {
                out.append(scalar)
                i += 4
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    // MARK: Date and time

    /// `date '+%Y %m %d %H %M %S %s %A %w %W %Z %z %N'` (local time) to Ansible's ansible_date_time.
    static func dateTime(_ raw: RawFacts) -> OrderedDictionary<String, Value>? {
        guard let line = raw.first("date") else { return nil }
        let f = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 12, let epoch = Int(f[6]) else { return nil }
        var nanos = f.count > 12 ? f[12] : ""
        if !FactsText.isDigits(nanos) { nanos = "0" }  // busybox date has no %N
        let micro = String((String(repeating: "0", count: max(0, 9 - nanos.count)) + nanos).prefix(6))
        let utc = civilUTC(epoch)
        let utcText = pad(utc.year, 4) + "-" + pad(utc.month) + "-" + pad(utc.day) + "T"
            + pad(utc.hour) + ":" + pad(utc.minute) + ":" + pad(utc.second)
        var result: OrderedDictionary<String, Value> = [
            "year": .string(f[0]), "month": .string(f[1]), "weekday": .string(f[7]), "weekday_number": .string(f[8]),
            "weeknumber": .string(f[9]), "day": .string(f[2]), "hour": .string(f[3]), "minute": .string(f[4]),
            "second": .string(f[5]), "epoch": .string(f[6]), "epoch_int": .string(String(epoch)),
            "date": .string("\(f[0])-\(f[1])-\(f[2])"), "time": .string("\(f[3]):\(f[4]):\(f[5])"),
            "iso8601_micro": .string(utcText + "." + micro + "Z"), "iso8601": .string(utcText + "Z"),
            "iso8601_basic": .string("\(f[0])\(f[1])\(f[2])T\(f[3])\(f[4])\(f[5])\(micro)"),
            "iso8601_basic_short": .string("\(f[0])\(f[1])\(f[2])T\(f[3])\(f[4])\(f[5])"),
            "tz": .string(f[10]), "tz_offset": .string(f[11]),
        ]
        // Python's time.tzname[1]: the name of the half of the year with the greater UTC offset.
        if let jan = zone(raw.first("tz_jan")), let jul = zone(raw.first("tz_jul")) {
            result["tz_dst"] = .string(jan.offset > jul.offset ? jan.name : jul.name)
        }
        return result
    }

    /// "+0100 CET" → (3600, "CET").
    private static func zone(_ text: String?) -> (offset: Int, name: String)? {
        guard let text, let space = text.firstIndex(of: " ") else { return nil }
        let z = Array(text[..<space])
        guard z.count == 5, z[0] == "+" || z[0] == "-", let hh = Int(String(z[1...2])), let mm = Int(String(z[3...4])) else { return nil }
        return ((z[0] == "-" ? -1 : 1) * (hh * 3600 + mm * 60), String(text[text.index(after: space)...]))
    }

    private static func pad(_ n: Int, _ width: Int = 2) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// UTC calendar fields of a Unix time (days-from-civil inverse, proleptic Gregorian).
    static func civilUTC(_ epoch: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400
        let secs = epoch - days * 86400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secs / 3600, secs % 3600 / 60, secs % 60)
    }

    // MARK: Service and package managers, SELinux, virtualization

    /// Ansible's ServiceMgrFactCollector: pid 1's name, else probes.
    static func serviceManager(_ raw: RawFacts, system: String, distribution: String) -> String {
        var proc1 = raw.file("/proc/1/comm")?.first
        if proc1 == nil, let target = raw.link("/sbin/init") { proc1 = target }
        if let p = proc1 {
            let name = FactsText.trim(p.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            proc1 = (name == "init" || name.hasSuffix("sh") || name.isEmpty) ? nil : name
        }
        if let proc1 {
            return ["procd": "openwrt_init", "runit-init": "runit", "svscan": "svc", "openrc-init": "openrc"][proc1] ?? proc1
        }
        if distribution == "MacOSX" || system == "Darwin" { return "launchd" }
        if system.contains("BSD") || ["Bitrig", "DragonFly"].contains(system) { return "bsdinit" }
        if system == "AIX" { return "src" }
        if system == "SunOS" { return "smf" }
        if distribution == "OpenWrt" { return "openwrt_init" }
        if distribution == "SMGL" { return "simpleinit_msb" }
        if system == "Linux" {
            let systemctl = raw.has("systemctl")
            if systemctl && ["/run/systemd/system/", "/dev/.run/systemd/", "/dev/.systemd/"].contains(where: raw.exists) { return "systemd" }
            if raw.has("initctl") && raw.exists("/etc/init/") { return "upstart" }
            if raw.exists("/sbin/openrc") { return "openrc" }
            if systemctl, let target = raw.link("/sbin/init"), target.split(separator: "/").last == "systemd" { return "systemd" }
            if raw.exists("/etc/init.d/") { return "sysvinit" }
            if raw.exists("/etc/dinit.d/") { return "dinit" }
        }
        return "service"
    }

    /// Ansible's PkgMgrFactCollector: the last known manager present, then the family's default.
    static func packageManager(_ raw: RawFacts, osFamily: String) -> String {
        let known: [(String, String)] = [
            ("/usr/bin/rpm-ostree", "atomic_container"), ("/usr/bin/yum", "dnf"), ("/usr/bin/dnf-3", "dnf"),
            ("/usr/bin/dnf5", "dnf5"), ("/usr/bin/apt-get", "apt"), ("/usr/bin/zypper", "zypper"),
            ("/usr/sbin/urpmi", "urpmi"), ("/usr/bin/pacman", "pacman"), ("/bin/opkg", "opkg"),
            ("/usr/local/bin/brew", "homebrew"), ("/opt/homebrew/bin/brew", "homebrew"), ("/sbin/apk", "apk"),
            ("/usr/sbin/pkg", "pkgng"), ("/usr/bin/emerge", "portage"), ("/usr/bin/xbps-install", "xbps"),
            ("/usr/local/sbin/pkg", "pkgng"), ("/usr/bin/swupd", "swupd"),
        ]
        var name = "unknown"
        for (path, manager) in known where raw.exists(path) { name = manager }
        if osFamily == "RedHat" {
            if raw.exists("/run/ostree-booted") { return "atomic_container" }
            for path in ["/usr/bin/dnf", "/usr/bin/microdnf"] where raw.exists(path) {
                return raw.realpath(path) == "/usr/bin/dnf5" ? "dnf5" : "dnf"
            }
            return "unknown"
        }
        if osFamily == "Debian" { return "apt" }
        return name
    }

    /// Ansible's ansible_selinux, from selinuxfs and /etc/selinux/config.
    static func selinux(_ raw: RawFacts) -> OrderedDictionary<String, Value> {
        guard let enforce = raw.file("/sys/fs/selinux/enforce")?.first else { return ["status": .string("disabled")] }
        var result: OrderedDictionary<String, Value> = ["status": .string("enabled")]
        let config = OSRelease(raw.file("/etc/selinux/config") ?? [])
        if let v = raw.file("/sys/fs/selinux/policyvers")?.first.flatMap({ Int(FactsText.trim($0)) }) {
            result["policyvers"] = .int(v)
        } else {
            result["policyvers"] = .string("unknown")
        }
        result["config_mode"] = .string(config["SELINUX"] ?? "unknown")
        result["mode"] = .string(FactsText.trim(enforce) == "1" ? "enforcing" : "permissive")
        result["type"] = .string(config["SELINUXTYPE"] ?? "unknown")
        return result
    }

    /// Ansible's LinuxVirtual.get_virtual_facts, for what the agent probes
    /// (no dmidecode, lscpu or /proc/self/status VxID).
    static func virtualization(_ raw: RawFacts) -> (type: String, role: String) {
        var type: String?
        var role: String?
        func found(_ t: String, _ r: String?) { if type == nil { type = t; if let r { role = r } } }
        for line in raw.file("/proc/1/cgroup") ?? [] {
            if line.contains(#/\/docker(\/|-[0-9a-f]+\.scope)/#) { found("docker", "guest") }
            if line.contains("/lxc/") || line.contains("/machine.slice/machine-lxc") { found("lxc", "guest") }
            if line.contains("/system.slice/containerd.service") { found("containerd", "guest") }
        }
        for line in raw.all("init_env") {
            if line.contains("container=lxc") { found("lxc", "guest") }
            if line.contains("container=podman") { found("podman", "guest") }
            if line.hasPrefix("container="), line.count > "container=".count { found("container", "guest") }
        }
        if raw.exists("/proc/vz") && !raw.exists("/proc/lve") {
            let wasFound = type != nil
            type = "openvz"
            if !wasFound { role = raw.exists("/proc/bc") ? "host" : "guest" }
        }
        if let container = raw.file("/run/systemd/container")?.first.map(FactsText.trim), !container.isEmpty {
            found(container, "guest")
        }
        if raw.exists("/.dockerenv") || raw.exists("/.dockerinit") { found("docker", "guest") }
        if raw.exists("/proc/xen") {
            let host = (raw.file("/proc/xen/capabilities") ?? []).contains { $0.contains("control_d") }
            found("xen", host ? "host" : "guest")
        }
        if type == nil { role = "guest" }  // assumed for the DMI checks
        let dmi = { (name: String) in raw.file("/sys/devices/virtual/dmi/id/\(name)")?.first.map(FactsText.trim) }
        let product = dmi("product_name"), vendor = dmi("sys_vendor"), bios = dmi("bios_vendor")
        if let product, ["KVM", "KVM Server", "Bochs", "AHV", "CloudStack KVM Hypervisor"].contains(product) { found("kvm", nil) }
        if vendor == "oVirt" { found("oVirt", nil) }
        if vendor == "Red Hat" {
            if dmi("product_family") == "RHV" { found("RHV", nil) } else if product == "RHEV Hypervisor" { found("RHEV", nil) }
        }
        if product?.hasPrefix("VMware") == true { found("VMware", nil) }
        if let product, ["OpenStack Compute", "OpenStack Nova"].contains(product) { found("openstack", nil) }
        if bios == "Xen" { found("xen", nil) }
        if bios == "innotek GmbH" { found("virtualbox", nil) }
        if let bios, ["Amazon EC2", "DigitalOcean", "Hetzner", "Linode"].contains(bios) { found("kvm", nil) }
        if let vendor, ["QEMU", "Amazon EC2", "DigitalOcean", "Google", "Scaleway", "Nutanix"].contains(vendor) { found("kvm", nil) }
        if vendor == "KubeVirt" { found("KubeVirt", nil) }
        if vendor == "Microsoft Corporation" { found("VirtualPC", nil) }
        if vendor == "Parallels Software International Inc." { found("parallels", nil) }
        if vendor == "OpenStack Foundation" { found("openstack", nil) }
        if type == nil { role = nil }
        for line in raw.all("cpuinfo") {
            if line.contains(#/^model name.*QEMU Virtual CPU/#) { found("kvm", "guest") }
            else if line.contains(#/^vendor_id.*User Mode Linux/#) || line.contains(#/^model name.*UML/#) { found("uml", "guest") }
            else if line.contains(#/^vendor_id.*PowerVM Lx86/#) { found("powervm_lx86", "guest") }
            else if line.contains(#/^vendor_id.*IBM\/S390/#) { found("PR/SM", "LPAR") }
        }
        let modules = raw.all("module")
        if modules.contains("kvm") { found("kvm", "host") }
        if modules.contains("vboxdrv") { found("virtualbox", "host") }
        if modules.contains("virtio") { found("kvm", "guest") }
        if raw.exists("/dev/kvm") { found("kvm", "host") }
        return (type ?? "NA", role ?? "NA")
    }
}

/// The agent's facts lines, grouped: `file=PATH:LINE` by path, `exists=PATH`
/// as a set, every other key as its values in order.
struct RawFacts {
    private var values: [String: [String]] = [:]
    private var files: OrderedDictionary<String, [String]> = [:]
    private var existing: Set<String> = []

    init(_ text: String) {
        for scalars in text.unicodeScalars.split(separator: "\n") {
            let line = String(String.UnicodeScalarView(scalars))
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq])
            let value = String(line[line.index(after: eq)...])
            switch key {
            case "file":
                guard let colon = value.firstIndex(of: ":") else { continue }
                files[String(value[..<colon]), default: []].append(String(value[value.index(after: colon)...]))
            case "exists": existing.insert(value)
            default: values[key, default: []].append(value)
            }
        }
    }

    func first(_ key: String) -> String? { values[key]?.first }
    func all(_ key: String) -> [String] { values[key] ?? [] }
    func file(_ path: String) -> [String]? { files[path] }
    func exists(_ path: String) -> Bool { existing.contains(path) || files[path] != nil }
    func has(_ command: String) -> Bool { all("has").contains(command) }
    /// The paths of the files sent, in the agent's order.
    var filePaths: [String] { Array(files.keys) }

    /// `link=PATH:TARGET` (readlink).
    func link(_ path: String) -> String? { pathValue("link", path) }
    /// `realpath=PATH:TARGET` (readlink -f).
    func realpath(_ path: String) -> String? { pathValue("realpath", path) }

    private func pathValue(_ key: String, _ path: String) -> String? {
        all(key).first { $0.hasPrefix(path + ":") }.map { String($0.dropFirst(path.count + 1)) }
    }
}


// MARK: Network

extension HostFacts {
    struct IPv4Address {
        var device: String
        var address: String
        var prefix: String
        var broadcast: String
        var label: String
    }

    struct NetDevice {
        var mac: String?
        var mtu: Int?
        var type: String
    }

    /// ansible_default_ipv4, ansible_all_ipv4_addresses and ansible_interfaces,
    /// from `ip` (route_get, ipaddr) as Ansible, or /proc/net/route and
    /// /proc/net/fib_trie on hosts without `ip`.
    static func network(_ raw: RawFacts, machine: String, into facts: inout OrderedDictionary<String, Value>) {
        let devices = netDevices(raw)
        let addresses = ipAddresses(raw)
        var interfaces: [String] = []
        for name in devices.keys {
            interfaces.append(name)
            for a in addresses where a.device == name && a.label != name && !interfaces.contains(a.label) { interfaces.append(a.label) }
        }
        var defaultIPv4: OrderedDictionary<String, Value> = [:]
        var all: [String] = []
        if raw.first("route_get") != nil || !raw.all("ipaddr").isEmpty {
            let words = FactsText.words(raw.first("route_get") ?? "")
            if words.first == "8.8.8.8" {
                for i in 0..<(words.count - 1) {
                    switch words[i] {
                    case "dev": defaultIPv4["interface"] = .string(words[i + 1])
                    case "src": defaultIPv4["address"] = .string(words[i + 1])
                    case "via" where words[i + 1] != "8.8.8.8": defaultIPv4["gateway"] = .string(words[i + 1])
                    default: break
                    }
                }
            }
            for a in addresses {
                if case .string(let address)? = defaultIPv4["address"], address == a.address {
                    let mask = netmask(prefix: Int(a.prefix) ?? 32)
                    defaultIPv4["broadcast"] = .string(a.broadcast)
                    defaultIPv4["netmask"] = .string(dotted(mask))
                    defaultIPv4["network"] = .string(dotted((parseIPv4(a.address) ?? 0) & mask))
                    defaultIPv4["prefix"] = .string(a.prefix)
                    describe(devices[a.device], into: &defaultIPv4)
                    defaultIPv4["alias"] = .string(a.label)
                }
                if !a.address.hasPrefix("127.") { all.append(a.address) }
            }
        } else {
            (defaultIPv4, all) = procNetwork(raw, bigEndian: bigEndianMachines.contains(machine), devices: devices)
        }
        facts["ansible_default_ipv4"] = .dict(defaultIPv4)
        facts["ansible_all_ipv4_addresses"] = .list(all.map(Value.string))
        facts["ansible_interfaces"] = .list(interfaces.map { .string(String($0.map { $0 == ":" ? "_" : $0 })) })
    }

    private static let bigEndianMachines: Set<String> = ["s390x", "s390", "ppc64", "ppc", "sparc64", "sparc", "mips", "mips64", "m68k", "parisc", "parisc64"]

    private static func describe(_ device: NetDevice?, into dict: inout OrderedDictionary<String, Value>) {
        if let mac = device?.mac { dict["macaddress"] = .string(mac) }
        if let mtu = device?.mtu { dict["mtu"] = .int(mtu) }
        dict["type"] = .string(device?.type ?? "unknown")
    }

    /// /sys/class/net/NAME/{address,mtu,type}, in the agent's (glob) order.
    static func netDevices(_ raw: RawFacts) -> OrderedDictionary<String, NetDevice> {
        let prefix = "/sys/class/net/"
        var devices: OrderedDictionary<String, NetDevice> = [:]
        for path in raw.filePaths where path.hasPrefix(prefix) {
            let parts = path.dropFirst(prefix.count).split(separator: "/")
            guard parts.count == 2 else { continue }
            let name = String(parts[0])
            let value = FactsText.trim(raw.file(path)?.first ?? "")
            var device = devices[name] ?? NetDevice(mac: nil, mtu: nil, type: "unknown")
            switch parts[1] {
            case "address": device.mac = value
            case "mtu": device.mtu = Int(value)
            case "type": device.type = ["1": "ether", "32": "infiniband", "512": "ppp", "772": "loopback", "65534": "tunnel"][value] ?? "unknown"
            default: break
            }
            if raw.exists(prefix + name + "/bridge") { device.type = "bridge" }
            if raw.exists(prefix + name + "/bonding") { device.type = "bonding" }
            devices[name] = device
        }
        return devices
    }

    /// `ip -4 addr show`: "N: NAME[@LINK]: <…>" headers, then "inet A/P [brd B] … LABEL" lines.
    static func ipAddresses(_ raw: RawFacts) -> [IPv4Address] {
        var result: [IPv4Address] = []
        var device = ""
        for line in raw.all("ipaddr") {
            let words = FactsText.words(line)
            guard let first = words.first else { continue }
            if first.hasSuffix(":"), first.dropLast().allSatisfy({ ("0"..."9").contains($0) }), words.count > 1 {
                device = String(words[1].dropLast(words[1].hasSuffix(":") ? 1 : 0).split(separator: "@").first ?? "")
            } else if first == "inet", words.count > 1 {
                let parts = words[1].split(separator: "/")
                let broadcast = words.count > 3 && words[2] == "brd" ? words[3] : ""
                result.append(IPv4Address(device: device, address: String(parts[0]),
                                          prefix: parts.count > 1 ? String(parts[1]) : "32",
                                          broadcast: broadcast, label: words.last ?? device))
            }
        }
        return result
    }

    /// Without `ip`: the default route of /proc/net/route (lowest metric) and
    /// the local addresses of /proc/net/fib_trie, matched to it by subnet.
    static func procNetwork(_ raw: RawFacts, bigEndian: Bool, devices: OrderedDictionary<String, NetDevice>)
        -> (OrderedDictionary<String, Value>, [String]) {
        struct Route { var iface: String; var dest: UInt32; var gateway: UInt32; var flags: Int; var metric: Int; var mask: UInt32 }
        func hex(_ s: String) -> UInt32? {
            guard let v = UInt32(s, radix: 16) else { return nil }
            return bigEndian ? v : v.byteSwapped
        }
        var routes: [Route] = []
        for line in raw.file("/proc/net/route") ?? [] {
            let f = FactsText.words(line)
            guard f.count >= 8, f[0] != "Iface", let dest = hex(f[1]), let gw = hex(f[2]), let flags = Int(f[3], radix: 16),
                  let metric = Int(f[6]), let mask = hex(f[7]) else { continue }
            routes.append(Route(iface: f[0], dest: dest, gateway: gw, flags: flags, metric: metric, mask: mask))
        }
        var locals: [String] = []
        for a in raw.all("fib_local") where !locals.contains(a) { locals.append(a) }
        let all = locals.filter { !$0.hasPrefix("127.") }
        var result: OrderedDictionary<String, Value> = [:]
        let defaults = routes.filter { $0.dest == 0 && $0.mask == 0 && $0.flags & 0x3 == 0x3 }
        guard let route = defaults.min(by: { $0.metric < $1.metric }) else { return (result, all) }
        result["gateway"] = .string(dotted(route.gateway))
        result["interface"] = .string(route.iface)
        for address in all {
            guard let ip = parseIPv4(address),
                  let subnet = routes.first(where: { $0.iface == route.iface && $0.mask != 0 && ip & $0.mask == $0.dest }) else { continue }
            result["address"] = .string(address)
            // No `ip` to say the configured broadcast: the subnet's own (none for /31 and /32).
            result["broadcast"] = .string(subnet.mask.nonzeroBitCount >= 31 ? "" : dotted(subnet.dest | ~subnet.mask))
            result["netmask"] = .string(dotted(subnet.mask))
            result["network"] = .string(dotted(subnet.dest))
            result["prefix"] = .string(String(subnet.mask.nonzeroBitCount))
            break
        }
        describe(devices[route.iface], into: &result)
        result["alias"] = .string(route.iface)
        return (result, all)
    }

    static func netmask(prefix: Int) -> UInt32 {
        prefix <= 0 ? 0 : prefix >= 32 ? UInt32.max : ~(UInt32.max >> UInt32(prefix))
    }

    static func parseIPv4(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 < 256 }) else { return nil }
        return parts.reduce(0) { $0 << 8 | $1 }
    }

    static func dotted(_ v: UInt32) -> String {
        "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
    }
}
