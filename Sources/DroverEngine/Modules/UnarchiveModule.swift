import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// unarchive: a tar (plain, gzip, bzip2, xz) or zip archive into an
/// existing directory, with the host's `tar` (GNU `tar` gets Ansible's
/// exact command lines) and Info-ZIP `unzip`. A controller file
/// (`remote_src: no`) is written to a temporary file on the host first.
///
/// Idempotency: the archive is extracted into a scratch directory on the
/// host (mktemp -d) and every member is compared with `dest` (type, link
/// target, content with `cmp`, permission bits); only when one differs is
/// it extracted into `dest`. So check mode reports exactly what a run
/// would change, for tar as for zip.
struct UnarchiveModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let agent = context.agent
        guard let srcArgument = args.string("src"), let destArgument = args.string("dest") else {
            return .failure("src (or content) and dest are required")
        }
        if args.values["copy"] != nil && args["remote_src"] != nil {
            return .failure("parameters are mutually exclusive: ('copy', 'remote_src')")
        }
        let remoteSource = args.values["copy"] != nil ? !args.bool("copy", default: true) : args.bool("remote_src")
        let excludes = (args.list("exclude") ?? []).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        let includes = args.list("include") ?? []
        if !excludes.isEmpty && !includes.isEmpty { return .failure("parameters are mutually exclusive: include|exclude") }

        if let creates = args.string("creates"),
           try await agent.exec("[ -e \(TransferPaths.shellWord(creates)) ]").rc == 0 {
            var result = ModuleResult(msg: "skipped, since \(creates) exists")
            result.skipped = true
            return result
        }
        let dest = try await GetURLModule.expand(destArgument, agent: agent)
        guard try await agent.exec("[ -d \(shellQuote(dest)) ]").rc == 0 else {
            return .failure("dest '\(dest)' must be an existing dir")
        }

        // The archive on the host; temporary copies are removed at the end.
        var temporary: String?
        let source: String
        if !remoteSource {
            if srcArgument.contains("://") {
                return .failure("Unsupported option, an URI src (\(GetURLModule.mask(srcArgument))) is only supported when remote_src is True")
            }
            let name = srcArgument.hasPrefix("~") ? NSString(string: srcArgument).expandingTildeInPath : srcArgument
            guard let local = context.findLocalFile(name, subdirectory: "files"),
                  let data = FileManager.default.contents(atPath: local) else {
                return .failure("Could not find or access '\(srcArgument)' on the Ansible Controller.")
            }
            let made = try await agent.exec("mktemp -d")
            guard made.rc == 0 else { return .failure("cannot create a temporary directory on the host: \(made.stderrText)") }
            let directory = made.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            temporary = directory
            source = "\(directory)/source"
            _ = try await agent.write(source, content: Array(data), mode: "600")
        } else if srcArgument.contains("://") {
            var download = GetURLDownload(url: srcArgument)
            download.validateCerts = args.bool("validate_certs", default: true)
            let response = try await download.run(agent: agent, environment: context.environment)
            guard let file = response.file, response.error == nil, response.isFileURL || response.status == 200 else {
                if let file = response.file { _ = try await agent.exec("rm -f \(shellQuote(file))") }
                return .failure("Failure downloading \(GetURLModule.mask(srcArgument)), \(response.error ?? "HTTP Error \(response.status ?? -1): \(response.reason)")")
            }
            temporary = file
            source = file
        } else {
            source = try await GetURLModule.expand(srcArgument, agent: agent)
        }
        do {
            let result = try await unpack(source: source, dest: dest, excludes: excludes, includes: includes, context: context)
            if let temporary { _ = try? await agent.exec("rm -rf \(shellQuote(temporary))") }
            return result
        } catch {
            if let temporary { _ = try? await agent.exec("rm -rf \(shellQuote(temporary))") }
            throw error
        }
    }

    // MARK: - Handlers

    enum Handler: String {
        case zip = "ZipArchive", tgz = "TgzArchive", tar = "TarArchive", tbz = "TarBzipArchive", txz = "TarXzArchive"

        var tarFlag: String? {
            switch self {
            case .tgz: return "-z"
            case .tbz: return "-j"
            case .txz: return "-J"
            default: return nil
            }
        }
    }

    struct Archive {
        var handler: Handler
        var source: String
        var tar: String
        var unzip: String
        var gnu: Bool
        var members: [String]
        var extraOptions: [String]
        var excludes: [String]
        var includes: [String]
        var owner: String?
        var group: String?
        var keepNewer: Bool

        /// The command line that extracts into `directory`, as Ansible builds it.
        func extractCommand(into directory: String, scratch: Bool = false) -> [String] {
            if handler == .zip {
                var cmd = [unzip, "-o"] + extraOptions + [source]
                if !excludes.isEmpty { cmd += ["-x"] + excludes }
                return cmd + includes + ["-d", directory]
            }
            if gnu {
                var cmd = [tar, "--extract", "-C", directory]
                if let flag = handler.tarFlag { cmd.append(flag) }
                if !extraOptions.isEmpty { cmd += ["--show-transformed-names"] + extraOptions }
                if !scratch {
                    if let owner { cmd.append("--owner=" + owner) }
                    if let group { cmd.append("--group=" + group) }
                    if keepNewer { cmd.append("--keep-newer-files") }
                }
                cmd += excludes.map { "--exclude=" + $0 }
                return cmd + ["-f", source] + includes
            }
            var cmd = [tar, "-x"]
            if let flag = handler.tarFlag { cmd.append(flag) }
            cmd += ["-C", directory] + extraOptions + excludes.map { "--exclude=" + $0 } + ["-f", source]
            return cmd + includes
        }
    }

    /// Finds the handler and lists the members (one exec).
    func inspect(_ source: String, extraOptions: [String], excludes: [String], includes: [String],
                 agent: AgentClient) async throws -> Result<Archive, ModuleFailure> {
        let opts = extraOptions.map(shellQuote).joined(separator: " ")
        let script = """
            s=\(shellQuote(source))
            [ -e "$s" ] || { echo missing; exit 0; }
            [ -r "$s" ] || { echo unreadable; exit 0; }
            [ -s "$s" ] || { echo empty; exit 0; }
            echo ok
            t=$(command -v gtar 2>/dev/null || command -v tar 2>/dev/null); u=$(command -v unzip 2>/dev/null)
            g=; [ -n "$t" ] && "$t" --version 2>/dev/null | head -n 1 | grep -q GNU && g=1
            printf '%s\\n%s\\n%s\\n' "$t" "$u" "$g"
            if [ -n "$u" ] && "$u" -Z1 "$s" >/dev/null 2>&1; then echo ZipArchive; "$u" -Z1 "$s"; exit 0; fi
            [ -n "$t" ] || { echo none; exit 0; }
            o=; [ -n "$g" ] && [ -n \(shellQuote(opts)) ] && o=1
            for h in TgzArchive:-z TarArchive: TarBzipArchive:-j TarXzArchive:-J; do
              f=${h#*:}
              if [ -n "$o" ]; then l=$("$t" --list $f --show-transformed-names \(opts) -f "$s" 2>/dev/null)
              else l=$("$t" -t $f -f "$s" 2>/dev/null); fi
              if [ $? -eq 0 ] && [ -n "$l" ]; then echo "${h%%:*}"; printf '%s\\n' "$l"; exit 0; fi
            done
            echo none
            """
        let r = try await agent.exec(script, environment: [("LC_ALL", "C")])
        var lines = TransferPaths.lines(r.stdout)
        if lines.last == "" { lines.removeLast() }
        switch lines.first {
        case "missing": return .failure(ModuleFailure("Source '\(source)' does not exist"))
        case "unreadable": return .failure(ModuleFailure("Source '\(source)' not readable"))
        case "empty": return .failure(ModuleFailure("Invalid archive '\(source)', the file is 0 bytes"))
        case "ok": break
        default: return .failure(ModuleFailure("cannot examine '\(source)' on the host: \(r.stderrText)"))
        }
        guard lines.count >= 5, let handler = Handler(rawValue: lines[4]) else {
            var reasons: [String] = []
            if lines.count > 1, lines[1].isEmpty { reasons.append("Unable to find required 'gtar' or 'tar' binary in the path") }
            if lines.count > 2, lines[2].isEmpty { reasons.append("Unable to find required 'unzip' binary in the path.") }
            if reasons.isEmpty { reasons.append("Command \"\(lines.count > 1 ? lines[1] : "tar")\" could not handle archive") }
            return .failure(ModuleFailure("Failed to find handler for \"\(source)\". Make sure the required command to extract the file is installed.\n"
                                          + reasons.joined(separator: "\n")))
        }
        var members: [String] = []
        for raw in lines.dropFirst(5) {
            var name = raw
            if name.hasPrefix("/") { name.removeFirst() }
            if name.isEmpty { continue }
            if excludes.contains(where: { FnMatch.matches(name, $0) }) { continue }
            if !includes.isEmpty && !includes.contains(where: { inc in
                FnMatch.matches(name, inc) || name == inc || name.hasPrefix(inc.hasSuffix("/") ? inc : inc + "/")
            }) { continue }
            members.append(name)
        }
        return .success(Archive(handler: handler, source: source, tar: lines[1], unzip: lines[2], gnu: lines[3] == "1",
                                members: members, extraOptions: extraOptions, excludes: excludes, includes: includes,
                                owner: nil, group: nil, keepNewer: false))
    }

    struct ModuleFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    // MARK: - Compare, extract, attributes

    /// One member of the scratch extraction that `dest` lacks (`A`) or has
    /// differently (`C`: type, target or content; `M`: permission bits).
    struct Difference { var status: Character; var kind: Character; var path: String }

    func unpack(source: String, dest: String, excludes: [String], includes: [String],
                context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let agent = context.agent
        var archive: Archive
        switch try await inspect(source, extraOptions: args.list("extra_opts") ?? [], excludes: excludes,
                                 includes: includes, agent: agent) {
        case .failure(let failure): return .failure(failure.message)
        case .success(let found): archive = found
        }
        if archive.members.isEmpty {
            return .failure("Failed to find handler for \"\(source)\". Make sure the required command to extract the file is installed.\n"
                            + "Command \"\(archive.tar)\" found no files in archive. Empty archive files are not supported.")
        }
        let owner = args.string("owner"), group = args.string("group")
        let mode = args.mode()
        archive.owner = owner
        archive.group = group
        archive.keepNewer = args.bool("keep_newer")

        var result = ModuleResult()
        result.values["handler"] = .string(archive.handler.rawValue)
        result.values["dest"] = .string(dest)
        result.values["src"] = .string(source)

        let differences: [Difference]
        switch try await compare(archive, dest: dest, compareModes: mode == nil, agent: agent) {
        case .failure(let failure): return .failure(failure.message, result.values)
        case .success(let found): differences = found
        }
        if !differences.isEmpty {
            result.changed = true
            if !context.checkMode {
                let undo = try await previousStates(differences, dest: dest, agent: agent)
                let cmd = archive.extractCommand(into: dest)
                let r = try await agent.exec(cmd.map(shellQuote).joined(separator: " "), cwd: dest,
                                             environment: [("LC_ALL", "C")])
                result.values["extract_results"] = .dict([
                    "cmd": .list(cmd.map(Value.string)), "err": .string(r.stderrText),
                    "out": .string(r.stdoutText), "rc": .int(Int(r.rc)),
                ])
                result.undo = undo
                if r.rc != 0 {
                    var failed = ModuleResult.failure("failed to unpack \(source) to \(dest)", result.values)
                    failed.undo = undo
                    return failed
                }
            }
        }
        if mode != nil || owner != nil || group != nil {
            var targets = archive.members
            for member in archive.members where member.contains("/") {
                let top = String(member.prefix { $0 != "/" })
                if !targets.contains(top) { targets.append(top) }
            }
            if try await applyAttributes(targets, dest: dest, mode: mode, owner: owner, group: group,
                                         checkMode: context.checkMode, result: &result, agent: agent) {
                result.changed = true
            }
        }
        if args.bool("list_files") { result.values["files"] = .list(archive.members.map(Value.string)) }
        try await GetURLModule.addFileFacts(dest, to: &result, agent: agent, checkMode: context.checkMode)
        return result
    }

    /// Extracts into a scratch directory and lists what `dest` lacks or has otherwise.
    func compare(_ archive: Archive, dest: String, compareModes: Bool,
                 agent: AgentClient) async throws -> Result<[Difference], ModuleFailure> {
        let extract = archive.extractCommand(into: "$s", scratch: true)
            .map { $0 == "$s" ? "\"$s\"" : shellQuote($0) }.joined(separator: " ")
        let keepNewer = archive.keepNewer ? "[ \"$t\" -nt \"$f\" ]" : "false"
        let modeCheck = compareModes
            ? "elif [ \"$(ls -ld \"$f\" | cut -c2-10)\" != \"$(ls -ld \"$t\" | cut -c2-10)\" ]; then echo \"M $k $f\""
            : ""
        let script = """
            s=$(mktemp -d) || exit 90
            e=$( { \(extract); } 2>&1 >/dev/null ) || { rm -rf "$s"; printf '%s\\n' "$e" >&2; exit 91; }
            d=\(shellQuote(dest))
            cd "$s" || exit 92
            find . -mindepth 1 | while IFS= read -r f; do
              f=${f#./}; t="$d/$f"
              if [ -L "$f" ]; then k=l; elif [ -d "$f" ]; then k=d; else k=f; fi
              if [ ! -e "$t" ] && [ ! -L "$t" ]; then echo "A $k $f"; continue; fi
              case $k in
                l) { [ -L "$t" ] && [ "$(readlink "$f")" = "$(readlink "$t")" ]; } || echo "C $k $f" ;;
                d) if [ ! -d "$t" ]; then echo "C $k $f"
                   \(modeCheck)
                   fi ;;
                *) if [ -L "$t" ] || [ ! -f "$t" ]; then echo "C $k $f"
                   elif \(keepNewer); then :
                   elif ! cmp -s "$f" "$t"; then echo "C $k $f"
                   \(modeCheck)
                   fi ;;
              esac
            done
            cd / && rm -rf "$s"
            """
        let r = try await agent.exec(script, environment: [("LC_ALL", "C")])
        if r.rc == 90 { return .failure(ModuleFailure("cannot create a scratch directory on the host: \(r.stderrText)")) }
        if r.rc == 91 {
            return .failure(ModuleFailure("failed to unpack \(archive.source) to a scratch directory: \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))"))
        }
        if r.rc != 0 { return .failure(ModuleFailure("cannot compare the archive with \(dest): \(r.stderrText)")) }
        var found: [Difference] = []
        for line in TransferPaths.lines(r.stdout, keepEmpty: false) {
            let chars = Array(line)
            guard chars.count > 4, chars[1] == " ", chars[3] == " " else { continue }
            found.append(Difference(status: chars[0], kind: chars[2], path: String(line.dropFirst(4))))
        }
        return .success(found)
    }

    /// Undo entries for what the extraction will change: created paths are
    /// removed, overwritten files get their content back (up to a limit).
    func previousStates(_ differences: [Difference], dest: String, agent: AgentClient) async throws -> [UndoEntry] {
        var undo: [UndoEntry] = []
        var budget = 16 << 20
        var irreversible = 0
        for difference in differences {
            let path = "\(dest)/\(difference.path)"
            if difference.status == "A" {
                undo.append(difference.kind == "d" ? .createdDirectory(path: path) : .file(path: path, previous: .absent, content: nil))
                continue
            }
            let state = try await agent.stat(path)
            if state.isFile, let size = state.size, size <= budget, let content = try await agent.read(path) {
                budget -= content.count
                undo.append(.file(path: path, previous: state, content: content))
            } else if state.isDirectory || state.isLink {
                undo.append(.attributes(path: path, previous: state))
            } else {
                irreversible += 1
            }
        }
        if irreversible > 0 { undo.append(.irreversible(description: "unarchive overwrote \(irreversible) file(s) too large to keep")) }
        return undo
    }

    /// mode/owner/group on every member (and top folder), as Ansible does
    /// after extracting. Returns whether anything differed.
    func applyAttributes(_ members: [String], dest: String, mode: String?, owner: String?, group: String?,
                         checkMode: Bool, result: inout ModuleResult, agent: AgentClient) async throws -> Bool {
        var changed = false
        var index = 0
        while index < members.count {
            let chunk = members[index..<min(members.count, index + 300)]
            index += chunk.count
            let list = chunk.map(shellQuote).joined(separator: " ")
            var script = "d=\(shellQuote(dest))\nfor f in \(list); do p=\"$d/$f\"; [ -e \"$p\" ] || continue\n"
            if checkMode {
                var tests: [String] = []
                if let mode, let octal = FileContent.octalOnly(mode) { tests.append("! -perm \(octal)") }
                if let owner { tests.append("! -user \(shellQuote(owner))") }
                if let group { tests.append("! -group \(shellQuote(group))") }
                guard !tests.isEmpty else { return false }
                script += "  [ -n \"$(find \"$p\" -maxdepth 0 \\( \(tests.joined(separator: " -o ")) \\) -print)\" ] && echo \"$f\"\n"
            } else {
                script += "  b=$(ls -ldn \"$p\" | awk '{print $1, $3, $4}')\n"
                if let mode { script += "  [ -L \"$p\" ] || chmod \(shellQuote(mode)) \"$p\" || exit 1\n" }
                let ownership = group.map { "\(owner ?? ""):\($0)" } ?? owner
                if let ownership { script += "  chown -h \(shellQuote(ownership)) \"$p\" || exit 1\n" }
                script += "  a=$(ls -ldn \"$p\" | awk '{print $1, $3, $4}')\n  [ \"$a\" = \"$b\" ] || echo \"$f\"\n"
            }
            script += "done\nexit 0\n"
            let r = try await agent.exec(script)
            if r.rc != 0 {
                throw PrimitiveError(host: agent.hostName, message: "cannot set attributes under \(dest): \(r.stderrText)")
            }
            for line in TransferPaths.lines(r.stdout, keepEmpty: false) {
                changed = true
                if !checkMode { result.undo.append(.irreversible(description: "attributes of \(dest)/\(line) changed")) }
            }
        }
        return changed
    }
}
