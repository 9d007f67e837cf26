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
        case "user": return accountEntry(d, user: true).map { [$0] } ?? []
        case "group": return accountEntry(d, user: false).map { [$0] } ?? []
        case "crontab": return [crontabEntry(d)]
        default: return []
        }
    }

    /// A user or group: removed when the run created it, else put back as it was.
    static func accountEntry(_ d: OrderedDictionary<String, Value>, user: Bool) -> UndoEntry? {
        guard let name = d["name"]?.text, !name.isEmpty else { return nil }
        let q = shellQuote(name)
        guard case .dict(let previous)? = d["previous"] else {
            return .undoCommand(user ? "userdel \(q)" : "groupdel \(q)")
        }
        if !user {
            guard let gid = previous["gid"]?.text else { return nil }
            return .undoCommand("if getent group \(q) >/dev/null; then groupmod -g \(gid) \(q); else groupadd -g \(gid) \(q); fi")
        }
        var options: [String] = []
        if let v = previous["uid"]?.text { options.append("-u \(v)") }
        if let v = previous["group"]?.text { options.append("-g \(shellQuote(v))") }
        if let v = previous["groups"]?.text, !v.isEmpty { options.append("-G \(shellQuote(v))") }
        if let v = previous["comment"]?.text { options.append("-c \(shellQuote(v))") }
        if let v = previous["home"]?.text { options.append("-d \(shellQuote(v))") }
        if let v = previous["shell"]?.text { options.append("-s \(shellQuote(v))") }
        let flags = options.joined(separator: " ")
        return .undoCommand("if id \(q) >/dev/null 2>&1; then usermod \(flags) \(q); else useradd \(flags) \(q); fi")
    }

    /// A user's crontab: its previous content, or none.
    static func crontabEntry(_ d: OrderedDictionary<String, Value>) -> UndoEntry {
        let userOption = d["user"].flatMap { $0 == .null ? nil : "-u \(shellQuote($0.text)) " } ?? ""
        guard let previous = d["previous"], previous != .null else {
            return .undoCommand("crontab \(userOption)-r")
        }
        return .undoCommand("printf %s \(shellQuote(previous.text)) | crontab \(userOption)-")
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
