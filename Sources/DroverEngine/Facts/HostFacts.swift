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
}
