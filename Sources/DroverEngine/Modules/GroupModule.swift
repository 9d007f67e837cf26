import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// group: ansible.builtin.group on Linux (getent, groupadd, groupmod, groupdel).
struct GroupModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let name = args.string("name") ?? ""
        let state = args.string("state") ?? "present"
        let gid = args.int("gid")
        let system = args.bool("system")
        let nonUnique = args.bool("non_unique")
        if args.bool("local") {
            return .failure("Drover's group module does not support local: true (libuser's lgroupadd); the shadow tools are used")
        }
        if nonUnique && gid == nil { return .failure("non_unique is True but all of the following are missing: gid") }
        guard ["present", "absent"].contains(state) else { return .failure("value of state must be one of: absent, present, got: \(state)") }

        var result = ModuleResult(values: ["name": .string(name), "state": .string(state)])
        let before = try await AccountDatabase.group(named: name, context)
        var output: SystemOutput?
        if state == "absent" {
            if before != nil {
                if context.checkMode { return ModuleResult(changed: true, values: result.values) }
                var argv = ["groupdel"]
                if args.bool("force") { argv.append("-f") }
                argv.append(name)
                output = try await context.runTool(SystemText.command(argv))
                if output!.rc != 0 { return .failure(output!.stderr, ["name": .string(name)]) }
            }
        } else if before == nil {
            if context.checkMode { return ModuleResult(changed: true, values: result.values) }
            var argv = ["groupadd"]
            if let gid {
                argv += ["-g", String(gid)]
                if nonUnique { argv.append("-o") }
            }
            if system { argv.append("-r") }
            argv.append(name)
            output = try await context.runTool(SystemText.command(argv))
            if output!.rc != 0 { return .failure(output!.stderr, ["name": .string(name)]) }
        } else if let gid, before?.gid != gid {
            if context.checkMode {
                output = SystemOutput(rc: 0, stdout: "", stderr: "")
            } else {
                var argv = ["groupmod", "-g", String(gid)]
                if nonUnique { argv.append("-o") }
                argv.append(name)
                output = try await context.runTool(SystemText.command(argv))
                if output!.rc != 0 { return .failure(output!.stderr, ["name": .string(name)]) }
            }
        }
        result.changed = output != nil
        if let output {
            if !output.stdout.isEmpty { result.values["stdout"] = .string(output.stdout) }
            if !output.stderr.isEmpty { result.values["stderr"] = .string(output.stderr) }
        }
        let after = context.checkMode ? before : try await AccountDatabase.group(named: name, context)
        if let after {
            result.values["system"] = .bool(system)
            result.values["gid"] = .int(after.gid)
        }
        if result.changed && !context.checkMode {
            result.values["undo_hint"] = .dict(["kind": .string("group"), "name": .string(name),
                                                "previous": before.map { .dict(["gid": .int($0.gid)]) } ?? .null])
        }
        return result
    }
}

/// One line of the group database.
struct GroupEntry: Sendable, Equatable {
    var name: String
    var gid: Int
    var members: [String]

    init?(_ line: String) {
        let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 4, let gid = Int(f[2]) else { return nil }
        name = f[0]
        self.gid = gid
        members = f[3].split(separator: ",").map(String.init)
    }
}

/// One line of the passwd database.
struct PasswdEntry: Sendable, Equatable {
    var name: String
    var password: String
    var uid: Int
    var gid: Int
    var gecos: String
    var home: String
    var shell: String

    init?(_ line: String) {
        let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 7, let uid = Int(f[2]), let gid = Int(f[3]) else { return nil }
        name = f[0]; password = f[1]; self.uid = uid; self.gid = gid; gecos = f[4]; home = f[5]; shell = f[6]
    }
}

/// Lookups in the host's user and group databases (NSS, through getent).
enum AccountDatabase {
    /// A group by name (Python's grp.getgrnam).
    static func group(named name: String, _ context: ModuleContext) async throws -> GroupEntry? {
        // getent reads an all-digit key as a gid; look such names up in the listing.
        let script = name.allSatisfy(\.isNumber)
            ? "getent group | awk -F: -v n=\(shellQuote(name)) '$1 == n'"
            : "getent group \(shellQuote(name))"
        let r = try await context.runTool(script)
        return SystemText.lines(r.stdout).compactMap(GroupEntry.init).first { $0.name == name }
    }

    /// Groups by gid or name, as Ansible's group_exists tries them: key → entry.
    static func groups(_ keys: [String], _ context: ModuleContext) async throws -> [String: GroupEntry] {
        guard !keys.isEmpty else { return [:] }
        let r = try await context.runTool("for k in \(keys.map(shellQuote).joined(separator: " ")); do echo \"@key $k\"; getent group \"$k\"; done; true")
        var found: [String: GroupEntry] = [:]
        var key: String?
        for line in SystemText.lines(r.stdout) {
            if line.hasPrefix("@key ") { key = String(line.dropFirst(5)); continue }
            if let key, found[key] == nil, let entry = GroupEntry(line) { found[key] = entry }
        }
        return found
    }
}
