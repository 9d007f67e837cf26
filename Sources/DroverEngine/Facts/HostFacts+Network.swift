import DroverCore
import OrderedCollections

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
