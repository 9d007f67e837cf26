import DroverCore
import OrderedCollections

extension HostFacts {
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
}
