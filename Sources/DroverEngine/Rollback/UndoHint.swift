import DroverCore
import DroverSSH
import OrderedCollections

/// Turns what the package and service modules record about the state they
/// changed (`undo_hint`) into undo commands: reinstall or remove packages at
/// their previous versions, put a service's running state and enablement back.
enum UndoHint {
    static func entries(_ hint: Value) -> [UndoEntry] {
        let d = hint.dictionary
        switch d["kind"]?.text {
        case "package": return packageEntries(d)
        case "service": return serviceEntry(d).map { [$0] } ?? []
        default: return []
        }
    }

    static func packageEntries(_ d: OrderedDictionary<String, Value>) -> [UndoEntry] {
        guard d["manager"]?.text == "apt", case .list(let packages)? = d["packages"] else {
            return [.irreversible(description: "package change (\(d["manager"]?.text ?? "unknown manager"))")]
        }
        var install: [String] = []
        var remove: [String] = []
        for package in packages {
            let p = package.dictionary
            guard let name = p["name"]?.text, !name.isEmpty else { continue }
            if let version = p["previous_version"], version != .null {
                install.append("\(name)=\(version.text)")
            } else {
                remove.append(name)
            }
        }
        var commands: [String] = []
        let apt = "DEBIAN_FRONTEND=noninteractive apt-get -y -q"
        if !remove.isEmpty { commands.append("\(apt) remove " + remove.map(shellQuote).joined(separator: " ")) }
        if !install.isEmpty { commands.append("\(apt) --allow-downgrades install " + install.map(shellQuote).joined(separator: " ")) }
        return commands.isEmpty ? [] : [.undoCommand(commands.joined(separator: " && "))]
    }

    static func serviceEntry(_ d: OrderedDictionary<String, Value>) -> UndoEntry? {
        guard let name = d["name"]?.text, !name.isEmpty else { return nil }
        let q = shellQuote(name)
        var commands: [String] = []
        let manager = d["manager"]?.text ?? "service"
        if case .bool(let masked)? = d["previous_masked"], manager == "systemd" {
            commands.append("systemctl \(masked ? "mask" : "unmask") \(q)")
        }
        if case .bool(let enabled)? = d["previous_enabled"] {
            switch manager {
            case "systemd": commands.append("systemctl \(enabled ? "enable" : "disable") \(q)")
            case "openrc": commands.append("rc-update \(enabled ? "add" : "del") \(q)")
            default: commands.append("update-rc.d \(q) \(enabled ? "enable" : "disable")")
            }
        }
        if let state = d["previous_state"]?.text {
            let verb = state == "started" ? "start" : "stop"
            switch manager {
            case "systemd": commands.append("systemctl \(verb) \(q)")
            case "openrc": commands.append("rc-service \(q) \(verb)")
            default: commands.append("service \(q) \(verb)")
            }
        }
        return commands.isEmpty ? nil : .undoCommand(commands.joined(separator: " && "))
    }
}
