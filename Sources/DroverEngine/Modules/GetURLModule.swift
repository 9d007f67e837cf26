import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// get_url: downloads on the host (see `GetURLDownload` for the tools),
/// into a temporary file, then moves it to `dest` only when its SHA-1
/// differs. With `force: no` and `dest` present, a `checksum` that matches
/// skips the download; without one, the request carries If-Modified-Since
/// (a 304 changes nothing), as Ansible does.
struct GetURLModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let agent = context.agent
        guard let url = args.string("url"), let destArgument = args.string("dest") else {
            return .failure("missing required arguments: url, dest")
        }
        var force = args.bool("force")
        let maskedURL = Self.mask(url)
        var result = ModuleResult()
        result.values["checksum_dest"] = .null
        result.values["checksum_src"] = .null
        result.values["dest"] = .string(destArgument)
        result.values["elapsed"] = .int(0)
        result.values["url"] = .string(maskedURL)
        func fail(_ msg: String, _ extra: OrderedDictionary<String, Value> = [:]) -> ModuleResult {
            var failed = result
            failed.failed = true
            failed.changed = false
            failed.msg = msg
            for (k, v) in extra { failed.values[k] = v }
            return failed
        }

        var download = GetURLDownload(url: url)
        download.timeout = args.int("timeout") ?? 10
        if case .dict(let headers)? = args["headers"] { download.headers = headers.map { ($0.key, $0.value.text) } }
        download.username = args.string("url_username")
        download.password = args.string("url_password")
        download.validateCerts = args.bool("validate_certs", default: true)
        download.useProxy = args.bool("use_proxy", default: true)
        download.userAgent = args.string("http_agent") ?? "ansible-httpget"
        download.decompress = args.bool("decompress", default: true)

        // checksum: "ALGORITHM:HEX", or "ALGORITHM:URL" of a checksum file.
        var algorithm = "sha1"
        var expected = ""
        if let text = args.string("checksum"), !text.isEmpty {
            guard let colon = text.firstIndex(of: ":") else {
                return fail("The checksum parameter has to be in format <algorithm>:<checksum>")
            }
            algorithm = String(text[..<colon]).lowercased()
            expected = String(text[text.index(after: colon)...])
            guard FindDigest.tools[algorithm] != nil else {
                return fail("Could not hash file with algorithm '\(algorithm)'. Available algorithms: md5, sha1, sha224, sha256, sha384, sha512")
            }
            if let scheme = URLComponents(string: expected)?.scheme?.lowercased(), ["http", "https", "ftp", "file"].contains(scheme) {
                var sums = download
                sums.url = expected
                let response = try await sums.run(agent: agent, environment: context.environment)
                guard let file = response.file, response.error == nil,
                      response.isFileURL || response.status == 200,
                      let bytes = try await agent.read(file) else {
                    if let file = response.file { try await agent.remove(file) }
                    return fail(response.error ?? "Request failed", ["status_code": response.status.map(Value.int) ?? .null])
                }
                try await agent.remove(file)
                let filename = GetURLDownload.urlFilename(url)
                let lines = TransferPaths.lines(bytes, keepEmpty: false)
                guard let found = Self.digest(for: filename, in: lines) else {
                    return fail("Unable to find a checksum for file '\(filename)' in '\(Self.mask(expected))'")
                }
                expected = found
            }
            expected = expected.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "_" }
                .map(String.init).joined().lowercased()
            guard !expected.isEmpty, expected.allSatisfy(\.isHexDigit) else { return fail("The checksum format is invalid") }
        }

        // The destination, as the host sees it (one exec).
        let dest = try await Self.expand(destArgument, agent: agent)
        result.values["dest"] = .string(dest)
        let before = try await Self.probe(dest, algorithm: algorithm, agent: agent)
        if before.exists && !before.isDirectory {
            var mismatch = false
            if !force && !expected.isEmpty && before.digest != expected { mismatch = true }
            if !force && !expected.isEmpty && !mismatch {
                let state = try await agent.stat(dest)
                result.changed = try await FileAttributes.apply(dest, mode: args.mode(), owner: args.ownership, state: state,
                                                                context: context, result: &result)
                result.msg = result.changed ? "file already exists but file attributes changed" : "file already exists"
                try await Self.addFileFacts(dest, to: &result, agent: agent, checkMode: context.checkMode)
                return result
            }
            if mismatch { force = true } else if !force { download.ifModifiedSince = before.mtime }
        }
        download.noCache = force
        if !before.isDirectory, !context.checkMode, args.string("tmp_dest") == nil {
            let parent = TransferPaths.dirname(dest.hasPrefix("/") ? dest : "./\(dest)")
            guard try await agent.exec("[ -d \(shellQuote(parent)) ]").rc == 0 else {
                return fail("Destination \(parent) does not exist")
            }
            download.directory = parent  // the final rename stays in one directory
        } else if before.isDirectory, !context.checkMode, args.string("tmp_dest") == nil {
            download.directory = dest
        }
        if let tmpDest = args.string("tmp_dest") {
            let tmpState = try await agent.exec("[ -d \(shellQuote(tmpDest)) ] && echo dir || { [ -e \(shellQuote(tmpDest)) ] && echo file; }")
            let kind = tmpState.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            if kind == "file" { return fail("\(tmpDest) is a file but should be a directory.") }
            if kind != "dir" { return fail("\(tmpDest) directory does not exist.") }
            download.directory = tmpDest
        }

        let clock = ContinuousClock()
        let start = clock.now
        let response = try await download.run(agent: agent, environment: context.environment)
        let elapsed = Int((clock.now - start).components.seconds)
        result.values["elapsed"] = .int(elapsed)
        let statusValue: Value = response.status.map(Value.int) ?? .null
        if let error = response.error {
            return fail(error, ["status_code": statusValue])
        }
        guard let temp = response.file else { return fail("Request failed", ["status_code": statusValue]) }
        func cleanup() async throws { _ = try await agent.exec("rm -f \(shellQuote(temp))") }
        if response.status == 304 {
            try await cleanup()
            result.values["status_code"] = .int(304)
            result.msg = "HTTP Error 304: Not Modified"
            result.values["checksum_dest"] = nil
            result.values["checksum_src"] = nil
            try await Self.addFileFacts(dest, to: &result, agent: agent, checkMode: context.checkMode)
            return result
        }
        if !response.isFileURL && response.status != 200 {
            try await cleanup()
            result.values["checksum_dest"] = nil
            result.values["checksum_src"] = nil
            return fail("Request failed", ["status_code": statusValue,
                                           "response": .string("HTTP Error \(response.status ?? -1): \(response.reason)")])
        }
        var target = dest
        if before.isDirectory {
            let name = GetURLDownload.dispositionFilename(response.headers["content-disposition"])
                ?? GetURLDownload.urlFilename(response.finalURL)
            target = dest.hasSuffix("/") ? dest + name : "\(dest)/\(name)"
            result.values["dest"] = .string(target)
        }
        result.values["src"] = .string(temp)
        let length = response.headers["content-length"] ?? (response.isFileURL ? response.size.map(String.init) : nil)
        let okMessage = "OK (\(length ?? "unknown") bytes)"

        // SHA-1 of both, and the wanted digest of the download, in one exec.
        let sums = try await agent.exec("""
            s() { { "$1" < "$2" 2>/dev/null || echo -; } | cut -d' ' -f1; }
            s sha1sum \(shellQuote(temp)); if [ -f \(shellQuote(target)) ]; then s sha1sum \(shellQuote(target)); else echo -; fi
            s \(FindDigest.tools[algorithm] ?? "sha1sum") \(shellQuote(temp))
            if [ -e \(shellQuote(target)) ]; then echo exists; else echo absent; fi
            [ -d \(shellQuote(TransferPaths.dirname(target.hasPrefix("/") ? target : "./\(target)"))) ] && echo parent || echo noparent
            """)
        let lines = TransferPaths.lines(sums.stdout, keepEmpty: false)
        guard lines.count >= 5 else { try await cleanup(); return fail("cannot checksum the download: \(sums.stderrText)") }
        let checksumSource = lines[0] == "-" ? nil : lines[0]
        let checksumDest = lines[1] == "-" ? nil : lines[1]
        let downloadedDigest = lines[2]
        result.values["checksum_src"] = checksumSource.map(Value.string) ?? .null
        if lines[3] == "exists" {
            result.values["checksum_dest"] = checksumDest.map(Value.string) ?? .null
        } else if lines[4] != "parent" {
            try await cleanup()
            return fail("Destination \(TransferPaths.dirname(target)) does not exist")
        }
        if context.checkMode {
            try await cleanup()
            result.changed = lines[3] != "exists" || checksumSource != checksumDest
            if !result.changed {
                let state = try await agent.stat(target)
                var scratch = ModuleResult()
                result.changed = try await FileAttributes.apply(target, mode: args.mode(), owner: args.ownership, state: state,
                                                                context: context, result: &scratch)
            }
            result.msg = okMessage
            result.values["status_code"] = statusValue
            return result
        }
        if !expected.isEmpty && downloadedDigest != expected {
            try await cleanup()
            return fail("The checksum for \(temp) did not match \(expected); it was \(downloadedDigest).")
        }
        if checksumSource != checksumDest || lines[3] != "exists" {
            let previous = try await agent.stat(target)
            if previous.isDirectory {
                try await cleanup()
                return fail("failed to copy \(temp) to \(target): it is a directory")
            }
            let oldContent = previous.isFile ? try await agent.read(target) : nil
            if args.bool("backup"), previous.isFile {
                result.values["backup_file"] = .string(try await FileContent.backup(target, agent: agent))
            }
            // Keep an existing file's mode and owner; a new one gets 0666 & ~umask.
            let keep = previous.isFile
                ? "chmod \(previous.mode ?? "644") \"$t\" 2>/dev/null; chown \(previous.uid.map(String.init) ?? ""):\(previous.gid.map(String.init) ?? "") \"$t\" 2>/dev/null"
                : "chmod $(printf %o $(( 0666 & ~0$(umask) ))) \"$t\""
            let move = try await agent.exec("t=\(shellQuote(temp)); \(keep); mv -f \"$t\" \(shellQuote(target))")
            if move.rc != 0 {
                try await cleanup()
                return fail("failed to copy \(temp) to \(target): \(move.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            result.undo.append(.file(path: target, previous: previous, content: oldContent))
            result.changed = true
            if context.diffMode {
                result.diffs.append(FileDiff(path: target, before: previous.exists ? "checksum: \(checksumDest ?? "")\n" : "state: absent\n",
                                             after: "checksum: \(checksumSource ?? "")\n"))
            }
        } else {
            try await cleanup()
        }
        let state = try await agent.stat(target)
        if try await FileAttributes.apply(target, mode: args.mode(), owner: args.ownership, state: state, context: context, result: &result) {
            result.changed = true
        }
        let md5 = try await agent.exec("md5sum < \(shellQuote(target)) | cut -d' ' -f1")
        result.values["md5sum"] = md5.rc == 0 ? .string(md5.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) : .null
        result.msg = okMessage
        result.values["status_code"] = statusValue
        try await Self.addFileFacts(target, to: &result, agent: agent, checkMode: false)
        return result
    }

    /// `dest`'s kind, mtime and digest in the checksum's algorithm.
    struct Probe { var exists = false, isDirectory = false, mtime: Int?, digest: String? }

    static func probe(_ path: String, algorithm: String, agent: AgentClient) async throws -> Probe {
        let tool = FindDigest.tools[algorithm] ?? "sha1sum"
        let r = try await agent.exec("""
            d=\(shellQuote(path))
            if [ -d "$d" ]; then echo dir
            elif [ -e "$d" ]; then echo file; date -r "$d" +%s 2>/dev/null || echo -; { \(tool) < "$d" 2>/dev/null || echo -; } | cut -d' ' -f1
            else echo none; fi
            """)
        let lines = TransferPaths.lines(r.stdout, keepEmpty: false)
        var probe = Probe()
        switch lines.first {
        case "dir": probe.exists = true; probe.isDirectory = true
        case "file":
            probe.exists = true
            if lines.count > 1 { probe.mtime = Int(lines[1]) }
            if lines.count > 2, lines[2] != "-" { probe.digest = lines[2] }
        default: break
        }
        if probe.exists && !probe.isDirectory && probe.mtime == nil { probe.mtime = try await agent.stat(path).mtime }
        return probe
    }

    /// `~` expanded on the host.
    static func expand(_ path: String, agent: AgentClient) async throws -> String {
        guard path.hasPrefix("~") else { return path }
        let r = try await agent.exec("printf %s \(TransferPaths.shellWord(path))")
        return r.rc == 0 ? r.stdoutText : path
    }

    /// The file facts Ansible adds to results that name a `dest`.
    static func addFileFacts(_ path: String, to result: inout ModuleResult, agent: AgentClient, checkMode: Bool) async throws {
        let s = try await agent.stat(path)
        guard s.exists else { return }
        if let v = s.gid { result.values["gid"] = .int(v) }
        if let v = s.group { result.values["group"] = .string(v) }
        if let v = s.modeText { result.values["mode"] = .string(v) }
        if let v = s.owner { result.values["owner"] = .string(v) }
        if let v = s.size { result.values["size"] = .int(v) }
        result.values["state"] = .string(s.isDirectory ? "directory" : s.isLink ? "link" : "file")
        if let v = s.uid { result.values["uid"] = .int(v) }
    }

    /// A checksum file's digest for `filename` (GNU or BSD lines, or one bare digest).
    static func digest(for filename: String, in lines: [String]) -> String? {
        let trimmed = lines.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }.filter { !$0.isEmpty }
        if trimmed.count == 1, trimmed[0].split(whereSeparator: \.isWhitespace).count == 1 { return trimmed[0] }
        for line in trimmed {
            // BSD: "SHA256 (file) = digest"
            if let open = line.firstIndex(of: "("), let close = line.range(of: ") = ", options: .backwards), open < close.lowerBound {
                let path = String(line[line.index(after: open)..<close.lowerBound])
                if path == filename { return String(line[close.upperBound...]) }
                continue
            }
            // GNU: "digest  [*./]file"
            let parts = line.split(maxSplits: 1, whereSeparator: \.isWhitespace).map(String.init)
            guard parts.count == 2 else { continue }
            var path = parts[1].trimmingCharacters(in: .whitespaces)
            if path.hasPrefix("*") { path.removeFirst() }
            while path.hasPrefix("./") || path.hasPrefix(".") && path.count > 1 && path.dropFirst().hasPrefix("/") { path.removeFirst(2) }
            if path == filename { return parts[0] }
        }
        return nil
    }

    /// user:password@ in a URL hidden, as Ansible's mask_url.
    static func mask(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil || components.user != nil else { return url }
        if components.password != nil { components.password = "********" }
        return components.string ?? url
    }
}
