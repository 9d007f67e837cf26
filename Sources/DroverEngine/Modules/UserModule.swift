import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// user: ansible.builtin.user on Linux, basic options (getent, useradd,
/// usermod, userdel). The password hash reaches the host on stdin, never
/// in a command line, and is never returned.
struct UserModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        var user = UserAccount(context)
        do {
            return try await user.run()
        } catch let exit as ServiceExit {
            return exit.result
        }
    }
}

struct UserAccount {
    let context: ModuleContext
    let name: String
    let state: String
    let uid: Int?
    let group: String?
    /// `groups` joined with commas, as Ansible keeps it ("" for an empty list).
    let groups: String?
    let append: Bool
    let shell: String?
    let home: String?
    let createHome: Bool
    let system: Bool
    let comment: String?
    let password: String?
    let passwordLock: Bool?
    let updatePassword: String
    let remove: Bool
    let force: Bool
    let moveHome: Bool
    let nonUnique: Bool
    let expires: Double?

    init(_ context: ModuleContext) {
        self.context = context
        let a = context.arguments
        name = a.string("name") ?? ""
        state = a.string("state") ?? "present"
        uid = a.int("uid")
        group = a.string("group")
        groups = a["groups"] == nil || a["groups"] == .null ? nil : (a.list("groups") ?? []).joined(separator: ",")
        append = a.bool("append")
        shell = a.string("shell")
        home = a.string("home")
        createHome = a.bool("create_home", default: true)
        system = a.bool("system")
        comment = a.string("comment")
        password = a.string("password")
        passwordLock = a.tristateBool("password_lock")
        updatePassword = a.string("update_password") ?? "always"
        remove = a.bool("remove")
        force = a.bool("force")
        moveHome = a.bool("move_home")
        nonUnique = a.bool("non_unique")
        expires = a["expires"].flatMap { v -> Double? in
            switch v {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: return Double(v.text)
            }
        }
    }

    func fail(_ msg: String, rc: Int? = nil) -> ServiceExit {
        var values: OrderedDictionary<String, Value> = ["name": .string(name)]
        if let rc { values["rc"] = .int(rc) }
        return ServiceExit(result: .failure(msg, values))
    }

    /// A command line whose `-p` value is read from stdin.
    struct Command {
        var words: [String] = []
        var secret: String?
        mutating func add(_ items: String...) { words += items.map(shellQuote) }
        mutating func addPassword(_ hash: String, locked: Bool) {
            words += ["-p", locked ? "\"!$pw\"" : "\"$pw\""]
            secret = hash
        }
        var script: String { (secret == nil ? "" : "IFS= read -r pw\n") + words.joined(separator: " ") }
    }

    func execute(_ command: Command) async throws -> SystemOutput {
        if context.checkMode { return SystemOutput(rc: 0, stdout: "", stderr: "") }
        return try await context.runTool(command.script, stdin: command.secret.map { $0 + "\n" })
    }

    struct Info {
        var entry: PasswdEntry
        /// The shadow password field (for comparisons only; never returned).
        var shadowPassword: String
        var expireDays: Int
        var allGroups: [GroupEntry]
        var usermodAppends: Bool

        /// Groups that list the user as a member (grp.getgrall's gr_mem).
        var membership: [String] { allGroups.filter { $0.members.contains(entry.name) }.map(\.name) }
    }

    func lookup() async throws -> Info? {
        let r = try await context.runTool("""
            getent passwd \(shellQuote(name)) | head -n 1
            echo @shadow; getent shadow \(shellQuote(name)) 2>/dev/null | head -n 1
            echo @groups; getent group
            echo @append; usermod --help 2>&1 | grep -q -- '-a, --append' && echo yes
            true
            """)
        let sections = r.stdout.components(separatedBy: "\n@")
        guard let entry = SystemText.lines(sections[0]).first.flatMap(PasswdEntry.init), entry.name == name else { return nil }
        var shadowPassword = entry.password, expire = -1
        var groups: [GroupEntry] = []
        var appends = true
        for section in sections.dropFirst() {
            let lines = SystemText.lines(section)
            switch lines.first {
            case "shadow":
                if let line = lines.dropFirst().first {
                    let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    if f.count > 7 {
                        if entry.password.count <= 1 { shadowPassword = f[1] }
                        expire = Int(f[7]) ?? -1
                    }
                }
            case "groups": groups = lines.dropFirst().compactMap(GroupEntry.init)
            case "append": appends = lines.dropFirst().first == "yes"
            default: break
            }
        }
        return Info(entry: entry, shadowPassword: shadowPassword, expireDays: expire, allGroups: groups, usermodAppends: appends)
    }

    /// Ansible's get_groups_set: every group must exist; names (or the keys as given).
    func groupSet(namesOnly: Bool, primaryGid: Int?) async throws -> [String] {
        let keys = (groups ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var unique: [String] = []
        for k in keys where !unique.contains(k) { unique.append(k) }
        let found = try await AccountDatabase.groups(unique, context)
        var result: [String] = []
        for key in unique {
            guard let g = found[key] else { throw fail("Group \(key) does not exist") }
            if let primaryGid, !namesOnly, g.gid == primaryGid { continue }
            let item = namesOnly ? g.name : key
            if !result.contains(item) { result.append(item) }
        }
        return result
    }

    static func dateText(_ epoch: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date(timeIntervalSince1970: epoch))
    }

    // MARK: run

    mutating func run() async throws -> ModuleResult {
        guard ["present", "absent"].contains(state) else { return .failure("value of state must be one of: absent, present, got: \(state)") }
        let a = context.arguments
        if a.bool("local") { return .failure("Drover's user module does not support local: true (libuser's luseradd); the shadow tools are used") }
        if a.bool("generate_ssh_key") { return .failure("Drover's user module does not generate SSH keys yet; use command: ssh-keygen with creates:") }
        var result = ModuleResult(values: ["name": .string(name), "state": .string(state)])
        var warnings: [Value] = []
        if let password, let warning = Self.passwordWarning(password) { warnings.append(.string(warning)) }
        if groups == nil && append {
            warnings.append(.string("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups.This will change to an error in Ansible 2.14."))
        }
        let before = try await lookup()
        var output: SystemOutput?
        var undoPrevious: Value = .null
        if let before {
            undoPrevious = .dict(["uid": .int(before.entry.uid), "group": .int(before.entry.gid),
                                  "groups": .list(before.membership.map(Value.string)), "comment": .string(before.entry.gecos),
                                  "home": .string(before.entry.home), "shell": .string(before.entry.shell)])
        }
        if state == "absent" {
            if before != nil {
                if context.checkMode { return ModuleResult(changed: true, values: result.values) }
                var c = Command()
                c.add("userdel")
                if force { c.add("-f") }
                if remove { c.add("-r") }
                c.add(name)
                let r = try await execute(c)
                if r.rc != 0 { throw fail(r.stderr, rc: r.rc) }
                output = r
                result.values["force"] = .bool(force)
                result.values["remove"] = .bool(remove)
            }
        } else if before == nil {
            if context.checkMode { return ModuleResult(changed: true, values: result.values) }
            var needsParents = false
            if let home, createHome {
                let parent = (home as NSString).deletingLastPathComponent
                needsParents = try await context.runTool("[ -d \(shellQuote(parent)) ]").rc != 0
            }
            let r = try await create(needsParents: needsParents)
            if r.rc != 0 { throw fail(r.stderr, rc: r.rc) }
            output = r
            if needsParents, let home, let info = try await lookup() {
                try await chownHome(home, uid: info.entry.uid, gid: info.entry.gid)
            }
            result.values["system"] = .bool(system)
            result.values["create_home"] = .bool(createHome)
        } else if let before {
            let r = try await modify(before)
            if let r, r.rc != 0 { throw fail(r.stderr, rc: r.rc) }
            output = r
            result.values["append"] = .bool(append)
            result.values["move_home"] = .bool(moveHome)
        }
        if state == "present" && password != nil { result.values["password"] = .string("NOT_LOGGING_PASSWORD") }
        result.changed = output != nil
        if let output {
            if !output.stdout.isEmpty { result.values["stdout"] = .string(output.stdout) }
            if !output.stderr.isEmpty { result.values["stderr"] = .string(output.stderr) }
        }
        let final = state == "present" ? (context.checkMode ? before : try await lookup()) : nil
        if let info = final {
            result.values["uid"] = .int(info.entry.uid)
            result.values["group"] = .int(info.entry.gid)
            result.values["comment"] = .string(info.entry.gecos)
            result.values["home"] = .string(info.entry.home)
            result.values["shell"] = .string(info.entry.shell)
            if let groups { result.values["groups"] = .string(groups) }
            let homePath = home ?? info.entry.home
            if createHome, try await context.runTool("[ -e \(shellQuote(homePath)) ]").rc != 0 {
                if !context.checkMode {
                    try await createHomeDirectory(homePath)
                    try await chownHome(homePath, uid: info.entry.uid, gid: info.entry.gid)
                }
                result.changed = true
            }
        }
        if !warnings.isEmpty { result.values["warnings"] = .list(warnings) }
        if result.changed && !context.checkMode {
            result.values["undo_hint"] = .dict(["kind": .string("user"), "name": .string(name), "previous": undoPrevious])
        }
        return result
    }

    // MARK: useradd / usermod

    func create(needsParents: Bool) async throws -> SystemOutput {
        var c = Command()
        c.add("useradd")
        if let uid {
            c.add("-u", String(uid))
            if nonUnique { c.add("-o") }
        }
        if let group {
            if try await AccountDatabase.groups([group], context)[group] == nil { throw fail("Group \(group) does not exist") }
            c.add("-g", group)
        } else if try await AccountDatabase.group(named: name, context) != nil {
            // A group named like the user exists: no user group (USERGROUPS_ENAB would fail).
            c.add("-N")
        }
        if let groups, !groups.isEmpty {
            c.add("-G", try await groupSet(namesOnly: false, primaryGid: nil).joined(separator: ","))
        }
        if let comment { c.add("-c", comment) }
        if let home {
            if createHome && needsParents { try await createHomeDirectory(home) }
            c.add("-d", home)
        }
        if let shell { c.add("-s", shell) }
        if let expires { c.add("-e", expires < 0 ? "" : Self.dateText(expires)) }
        if let password { c.addPassword(password, locked: passwordLock == true) }
        c.add(createHome ? "-m" : "-M")
        if system { c.add("-r") }
        c.add(name)
        return try await execute(c)
    }

    /// usermod with what differs; nil when nothing does.
    func modify(_ info: Info) async throws -> SystemOutput? {
        var c = Command()
        c.add("usermod")
        var changes = 0
        func add(_ items: String...) { for i in items { c.add(i) }; changes += 1 }
        if let uid, info.entry.uid != uid {
            add("-u", String(uid))
            if nonUnique { c.add("-o") }
        }
        if let group {
            guard let g = try await AccountDatabase.groups([group], context)[group] else { throw fail("Group \(group) does not exist") }
            if info.entry.gid != g.gid { add("-g", String(g.gid)) }
        }
        if let groups {
            let current = info.membership
            var needed = false
            var wanted: [String] = []
            if groups.isEmpty {
                if !current.isEmpty && !append { needed = true }
            } else {
                wanted = try await groupSet(namesOnly: true, primaryGid: info.entry.gid)
                let difference = Set(current).symmetricDifference(wanted)
                if !difference.isEmpty {
                    if append {
                        if wanted.contains(where: difference.contains) {
                            if info.usermodAppends { c.add("-a") }
                            needed = true
                        }
                    } else {
                        needed = true
                    }
                }
                if needed && append && !info.usermodAppends {
                    add("-A", difference.sorted().joined(separator: ","))
                    needed = false
                }
            }
            if needed { add("-G", wanted.joined(separator: ",")) }
        }
        if let comment, info.entry.gecos != comment { add("-c", comment) }
        if let home, info.entry.home != home {
            add("-d", home)
            if moveHome { c.add("-m") }
        }
        if let shell, info.entry.shell != shell { add("-s", shell) }
        if let expires {
            if expires < 0 {
                if info.expireDays >= 0 { add("-e", "") }
            } else {
                let currentDate = Self.dateText(Double(info.expireDays) * 86400)
                if info.expireDays < 0 || currentDate != Self.dateText(expires) { add("-e", Self.dateText(expires)) }
            }
        }
        var lockFlag: String?
        if passwordLock == true && !info.shadowPassword.hasPrefix("!") { lockFlag = "-L" }
        else if passwordLock == false && info.shadowPassword.hasPrefix("!") { lockFlag = "-U" }
        if updatePassword == "always", let password,
           info.shadowPassword.drop(while: { $0 == "!" }) != password.drop(while: { $0 == "!" }) {
            lockFlag = nil
            c.addPassword(password, locked: passwordLock == true)
            changes += 1
        }
        if let lockFlag { add(lockFlag) }
        guard changes > 0 else { return nil }
        c.add(name)
        return try await execute(c)
    }

    // MARK: home directory

    /// create_homedir: a copy of /etc/skel (or an empty directory), with the
    /// mode login.defs asks for (HOME_MODE, else from UMASK, else 0755).
    func createHomeDirectory(_ path: String) async throws {
        var mode = 0o755
        if let defs = try await context.agent.read("/etc/login.defs") {
            for line in String(decoding: defs, as: UTF8.self).split(separator: "\n").map(String.init) {
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard words.count == 2, words[1].allSatisfy(\.isNumber), let n = Int(words[1], radix: 8) else { continue }
                if words[0] == "HOME_MODE" { mode = n; break }
                if words[0] == "UMASK" { mode = 0o777 & ~n }
            }
        }
        let p = shellQuote(path)
        let r = try await context.runTool("""
            [ -e \(p) ] && exit 0
            if [ -d /etc/skel ]; then mkdir -p "$(dirname \(p))" && cp -RPp /etc/skel \(p); else mkdir -p \(p); fi || exit 1
            chmod \(String(mode, radix: 8)) \(p)
            """)
        if r.rc != 0 { throw ServiceExit(result: .failure(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))) }
    }

    func chownHome(_ path: String, uid: Int, gid: Int) async throws {
        let r = try await context.runTool("chown -R \(uid):\(gid) \(shellQuote(path))")
        if r.rc != 0 { throw ServiceExit(result: .failure(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))) }
    }

    /// check_password_encrypted: a warning when the value does not look like a crypt hash.
    static func passwordWarning(_ password: String) -> String? {
        if ["*", "!", "*************"].contains(password) { return nil }
        var invalid = password.contains { ":*!".contains($0) } || !password.contains("$")
        if !invalid {
            let fields = password.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
            if fields.count >= 3 {
                let last = fields[fields.count - 1]
                if last.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "/")) }) { invalid = true }
                let lengths = ["1": 22, "5": 43, "6": 86, "y": 43]
                if let want = lengths[fields[1]], last.count != want { invalid = true }
            } else {
                invalid = true
            }
        }
        return invalid ? "The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly." : nil
    }
}
