import DroverCore
import OrderedCollections

extension HostFacts {
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
