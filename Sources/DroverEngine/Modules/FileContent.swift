import Crypto
import DroverCore
import DroverSSH
import Foundation

/// Puts `content` at a path when it differs (compared by SHA-256), then
/// mode and owner; the shared end of copy, template and the editors.
enum FileContent {
    static func ensure(_ path: String, content: [UInt8], context: ModuleContext,
                       current: [UInt8]? = nil, state: PathState? = nil) async throws -> ModuleResult {
        let args = context.arguments
        if canPut(context, args) {
            return try await put(path, content: content, context: context, current: current, state: state)
        }
        let agent = context.agent
        let before: PathState
        if let state { before = state } else { before = try await agent.stat(path) }
        if before.isDirectory {
            return .failure("Destination \(path) is a directory")
        }
        var result = ModuleResult()
        let newSHA = sha256Hex(content)
        var old = current
        let same: Bool
        if let current {
            same = current == content
        } else if before.isFile {
            same = try await agent.sha256(path) == newSHA
        } else {
            same = false
        }
        if !same && before.isFile && old == nil { old = try await agent.read(path) }
        let mode = args.mode()
        let owner = args.ownership
        if !same {
            result.changed = true
            if context.diffMode {
                result.diffs.append(FileDiff(path: path, before: old.map { String(decoding: $0, as: UTF8.self) } ?? "",
                                             after: String(decoding: content, as: UTF8.self)))
            }
            if !context.checkMode {
                if let command = args.string("validate") {
                    if let failure = try await validate(command, content: content, path: path, agent: agent) { return failure }
                }
                if args.bool("backup"), before.isFile {
                    result.values["backup_file"] = .string(try await backup(path, agent: agent))
                }
                let outcome = try await agent.write(path, content: content, mode: mode.flatMap(octalOnly) ?? "", owner: owner ?? "")
                result.undo.append(.file(path: path, previous: outcome.previous, content: old, after: outcome.sha256))
                if let mode, octalOnly(mode) == nil { try await agent.chmod(path, mode: mode) }
            }
        } else {
            result.changed = try await FileAttributes.apply(path, mode: mode, owner: owner, state: before, context: context, result: &result)
        }
        describe(path, content: content, mode: mode ?? before.modeText, in: &result)
        return result
    }

    /// Ansible's copy/template result keys for the file written.
    static func describe(_ path: String, content: [UInt8], mode: String?, in result: inout ModuleResult) {
        result.values["dest"] = .string(path)
        result.values["checksum"] = .string(sha1Hex(content))
        result.values["size"] = .int(content.count)
        result.values["state"] = .string("file")
        if let mode { result.values["mode"] = .string(mode) }
    }

    /// Check and diff modes, validation and backups need the old content
    /// first; everything else writes in one request that compares on the host.
    static func canPut(_ context: ModuleContext, _ args: ModuleArguments) -> Bool {
        !context.checkMode && !context.diffMode && args.string("validate") == nil && !args.bool("backup")
    }

    /// One round trip: the agent writes only when the SHA-256 differs, sets
    /// mode and owner, and sends back the bytes it replaced for the undo journal.
    /// With `expecting` (`ContentCache`), a file found in another state
    /// throws `StaleContent` and nothing is written.
    static func put(_ path: String, content: [UInt8], context: ModuleContext, current: [UInt8]?,
                    state: PathState?, nameInDirectory: String = "", expecting: String? = nil) async throws -> ModuleResult {
        if let state, state.isDirectory, nameInDirectory.isEmpty { return .failure("Destination \(path) is a directory") }
        let args = context.arguments
        let mode = args.mode()
        let (owner, group) = splitOwnership(args.ownership)
        let put = try await context.agent.put(path, content: content, mode: mode ?? "", owner: owner, group: group,
                                              nameInDirectory: nameInDirectory, expecting: expecting)
        if put.stale { throw StaleContent(state: put.before, bytes: put.current) }
        let written = put.path ?? path
        var result = ModuleResult()
        result.changed = put.changed
        if put.wroteContent {
            result.undo.append(.file(path: written, previous: put.before, content: put.before.isFile ? current ?? put.previousContent : nil,
                                     after: sha256Hex(content)))
        } else if put.changed {
            result.undo.append(.attributes(path: written, previous: put.before))
        }
        describe(written, content: content, mode: put.after.modeText ?? mode, in: &result)
        return result
    }

    static func splitOwnership(_ ownership: String?) -> (owner: String, group: String) {
        guard let ownership else { return ("", "") }
        let parts = ownership.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return (parts[0], parts.count > 1 ? parts[1] : "")
    }

    /// `validate: CMD %s`: the new content is checked in a temporary file first.
    static func validate(_ command: String, content: [UInt8], path: String, agent: AgentClient) async throws -> ModuleResult? {
        guard command.contains("%s") else { return .failure("validate must contain %s: \(command)") }
        let temp = "\(path).drover-validate.\(UInt32.random(in: 0...UInt32.max))"
        _ = try await agent.write(temp, content: content, mode: "600")
        let r = try await agent.exec(command.replacingOccurrences(of: "%s", with: shellQuote(temp)))
        try await agent.remove(temp)
        if r.rc != 0 {
            return .failure("failed to validate", ["exit_status": .int(Int(r.rc)), "stdout": .string(r.stdoutText), "stderr": .string(r.stderrText)])
        }
        return nil
    }

    /// Ansible's backup name: `path.PID.YYYY-MM-DD@HH:MM:SS~`.
    static func backup(_ path: String, agent: AgentClient) async throws -> String {
        let r = try await agent.exec("b=\(shellQuote(path)).$$.$(date +%Y-%m-%d@%H:%M:%S)~; cp -p \(shellQuote(path)) \"$b\" && printf %s \"$b\"")
        guard r.rc == 0 else { throw PrimitiveError(host: agent.hostName, message: "cannot back up \(path): \(r.stderrText)") }
        return r.stdoutText
    }

    static func octalOnly(_ mode: String) -> String? {
        mode.allSatisfy({ ("0"..."7").contains($0) }) ? mode : nil
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func sha1Hex(_ bytes: [UInt8]) -> String {
        Insecure.SHA1.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

/// mode and owner/group of an existing path.
enum FileAttributes {
    /// Applies what differs; returns whether anything did.
    static func apply(_ path: String, mode: String?, owner: String?, state: PathState,
                      context: ModuleContext, result: inout ModuleResult) async throws -> Bool {
        var changed = false
        if let mode, !sameMode(mode, state.mode) {
            changed = true
            if !context.checkMode {
                let before = state
                try await context.agent.chmod(path, mode: mode)
                if FileContent.octalOnly(mode) == nil, try await context.agent.stat(path).mode == before.mode { changed = false }
                if changed { result.undo.append(.attributes(path: path, previous: before)) }
            }
        }
        if let owner, !sameOwner(owner, state) {
            changed = true
            if !context.checkMode {
                try await context.agent.chown(path, owner: owner)
                result.undo.append(.attributes(path: path, previous: state))
            }
        }
        return changed
    }

    static func sameMode(_ wanted: String, _ current: String?) -> Bool {
        guard let current, FileContent.octalOnly(wanted) != nil else { return false }
        return Int(wanted, radix: 8) == Int(current, radix: 8)
    }

    static func sameOwner(_ wanted: String, _ state: PathState) -> Bool {
        let (owner, group) = FileContent.splitOwnership(wanted)
        return (owner.isEmpty || owner == state.owner || owner == state.uid.map(String.init))
            && (group.isEmpty || group == state.group || group == state.gid.map(String.init))
    }
}

/// A write that expected a file's state (`put`'s `expected`) found another:
/// what is there now, for the edit to be made again on it.
struct StaleContent: Error {
    var state: PathState
    var bytes: [UInt8]?
}
