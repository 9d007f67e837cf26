import DroverCore
import DroverSSH

/// file: a path's state (file, directory, absent, touch, link, hard), mode
/// and owner.
struct FileModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let agent = context.agent
        guard let path = args.string("path") else { return .failure("path is required") }
        if let wanted = args.string("state") ?? (args.string("src") != nil ? "link" : nil), Self.canEnsure(wanted, context) {
            return try await ensure(path, state: wanted, context: context)
        }
        let before = try await agent.stat(path)
        let mode = args.mode(), owner = args.ownership
        var result = ModuleResult()
        var state = args.string("state") ?? (before.exists ? (before.isDirectory ? "directory" : before.isLink ? "link" : "file") : "file")
        if args.string("state") == nil, args.string("src") != nil { state = "link" }
        switch state {
        case "absent":
            if before.exists {
                result.changed = true
                if context.diffMode { result.diffs.append(FileDiff(path: path, before: "state: \(before.kind?.rawValue ?? "file")\n", after: "state: absent\n")) }
                if !context.checkMode {
                    let content = before.isFile ? try await agent.read(path) : nil
                    let previous = try await agent.remove(path)
                    result.undo.append(.removed(path: path, previous: previous, content: content))
                }
            }
            result.values["path"] = .string(path)
            result.values["state"] = .string("absent")
            return result
        case "directory":
            if before.exists && !before.isDirectory {
                return .failure("\(path) already exists as a \(before.kind?.rawValue ?? "file")", ["path": .string(path)])
            }
            if !before.exists {
                result.changed = true
                if context.diffMode { result.diffs.append(FileDiff(path: path, before: "state: absent\n", after: "state: directory\n")) }
                if !context.checkMode {
                    try await createParents(path, mode: mode.flatMap(FileContent.octalOnly) ?? "", context: context, result: &result)
                    try await agent.mkdir(path, mode: mode.flatMap(FileContent.octalOnly) ?? "")
                    result.undo.append(.createdDirectory(path: path))
                }
            }
            if args.bool("recurse"), mode != nil || owner != nil {
                if try await recurse(path, mode: mode, owner: owner, context: context) { result.changed = true }
            }
        case "file":
            guard before.exists else {
                return .failure("file (\(path)) is absent, cannot continue", ["path": .string(path), "state": .string("absent")])
            }
        case "touch":
            result.changed = true
            if !context.checkMode {
                if before.exists {
                    let r = try await agent.exec("touch -- \(shellQuote(path))")
                    if r.rc != 0 { return .failure("cannot touch \(path): \(r.stderrText)") }
                } else {
                    let outcome = try await agent.write(path, content: [], mode: mode.flatMap(FileContent.octalOnly) ?? "")
                    result.undo.append(.file(path: path, previous: outcome.previous, content: nil, after: outcome.sha256))
                }
            }
        case "link", "hard":
            guard let src = args.string("src") else { return .failure("src is required for state=\(state)") }
            if state == "link" {
                if !(before.isLink && before.target == src) {
                    if before.exists && !before.isLink && !args.bool("force") {
                        return .failure("refusing to convert from \(before.kind?.rawValue ?? "file") to symlink for \(path)")
                    }
                    result.changed = true
                    if !context.checkMode {
                        let previous = try await agent.symlink(target: src, link: path)
                        result.undo.append(.link(path: path, previous: previous))
                    }
                }
                result.values["src"] = .string(src)
            } else {
                let same = try await agent.exec("[ \(shellQuote(path)) -ef \(shellQuote(src)) ]").rc == 0
                if !same {
                    result.changed = true
                    if !context.checkMode {
                        let r = try await agent.exec("ln -f -- \(shellQuote(src)) \(shellQuote(path))")
                        if r.rc != 0 { return .failure("Error while linking: \(r.stderrText)") }
                        result.undo.append(.link(path: path, previous: before))
                    }
                }
            }
        default:
            return .failure("value of state must be one of: absent, directory, file, hard, link, touch, got: \(state)")
        }
        if state != "link" || !before.isLink {
            let now = result.changed && !context.checkMode ? try await agent.stat(path) : before
            if now.exists, try await FileAttributes.apply(path, mode: mode, owner: owner, state: now, context: context, result: &result) {
                result.changed = true
            }
        }
        let final = context.checkMode ? before : try await agent.stat(path)
        result.values["path"] = .string(path)
        result.values["state"] = .string(state == "touch" ? "file" : state)
        Self.describe(final, in: &result)
        return result
    }

    /// Ansible's result keys for the path as it ends up.
    static func describe(_ final: PathState, in result: inout ModuleResult) {
        if let m = final.modeText { result.values["mode"] = .string(m) }
        if let o = final.owner { result.values["owner"] = .string(o) }
        if let g = final.group { result.values["group"] = .string(g) }
        if let u = final.uid { result.values["uid"] = .int(u) }
        if let g = final.gid { result.values["gid"] = .int(g) }
        if let s = final.size { result.values["size"] = .int(s) }
    }

    /// Creates missing parents outermost first, with the directory's mode as
    /// Ansible does, and records each for undo.
    private func createParents(_ path: String, mode: String, context: ModuleContext, result: inout ModuleResult) async throws {
        var missing: [String] = []
        var current = (path as String).split(separator: "/").dropLast().reduce(into: [String]()) { $0.append(($0.last ?? "") + "/" + $1) }
        while let parent = current.popLast() {
            if try await context.agent.stat(parent).exists { break }
            missing.append(parent)
        }
        for parent in missing.reversed() {
            try await context.agent.mkdir(parent, mode: mode)
            result.undo.append(.createdDirectory(path: parent))
        }
    }

    /// recurse=yes: mode and owner on everything below; changed when any differs.
    private func recurse(_ path: String, mode: String?, owner: String?, context: ModuleContext) async throws -> Bool {
        var checks: [String] = []
        if let mode, let octal = FileContent.octalOnly(mode) { checks.append("! -perm \(String(Int(octal, radix: 8) ?? 0, radix: 8))") }
        if let owner {
            let parts = owner.split(separator: ":", omittingEmptySubsequences: false)
            if !parts[0].isEmpty { checks.append("! -user \(shellQuote(String(parts[0])))") }
            if parts.count > 1, !parts[1].isEmpty { checks.append("! -group \(shellQuote(String(parts[1])))") }
        }
        let find = "find \(shellQuote(path)) \\( " + (checks.isEmpty ? "-false" : checks.joined(separator: " -o ")) + " \\) -print | head -1"
        let pending = try await context.agent.exec(find).stdoutText
        guard !pending.isEmpty else { return false }
        if !context.checkMode {
            var script = ""
            if let mode { script += "chmod -R \(shellQuote(mode)) \(shellQuote(path)) && " }
            if let owner { script += "chown -R \(shellQuote(owner)) \(shellQuote(path)) && " }
            let r = try await context.agent.exec(script + "true")
            if r.rc != 0 { throw PrimitiveError(host: context.host, message: "recursive change of \(path) failed: \(r.stderrText)") }
        }
        return true
    }
}
