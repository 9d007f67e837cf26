import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// A download made on the host: `file://` with `cp`, anything else with
/// `curl`, else `wget` (GNU or busybox), else `busybox wget`, whichever the
/// host has first. The body goes to a temporary file on the host.
struct GetURLDownload {
    var url: String
    var timeout = 10
    var headers: [(String, String)] = []
    var ifModifiedSince: Int?  // a Unix time
    var noCache = false
    var username: String?
    var password: String?
    var validateCerts = true
    var useProxy = true
    var userAgent = "ansible-httpget"
    var decompress = true
    /// Where the temporary file is made (a directory on the host), or nil for mktemp's default.
    var directory: String?

    struct Response {
        var tool: String
        /// The temporary file, when one was written (remove it when done).
        var file: String?
        /// nil for file:// (as Ansible) and when no answer came.
        var status: Int?
        var reason: String
        var headers: [String: String]
        var finalURL: String
        /// Why nothing came back (connection refused, timeout, no tool).
        var error: String?
        var size: Int?

        var isFileURL: Bool { tool == "cp" }
    }

    static func isFileURL(_ url: String) -> Bool { url.lowercased().hasPrefix("file:") }

    /// A file:// URL's path, percent-decoded.
    static func filePath(_ url: String) -> String {
        var rest = String(url.dropFirst("file:".count))
        if rest.hasPrefix("//") {
            rest = String(rest.dropFirst(2))
            if let slash = rest.firstIndex(of: "/") { rest = String(rest[slash...]) } else { rest = "/" }
        }
        return rest.removingPercentEncoding ?? rest
    }

    func run(agent: AgentClient, environment: [(String, String)] = []) async throws -> Response {
        let tmp = directory.map { "mktemp \(shellQuote(TransferPaths.normalize($0) + "/.drover-get_url.XXXXXX"))" } ?? "mktemp"
        var script = """
            out=$(\(tmp)) || exit 90
            printf 'file %s\\n' "$out"

            """
        if Self.isFileURL(url) {
            let path = Self.filePath(url)
            script += """
                printf 'tool cp\\n'
                if cp -- \(shellQuote(path)) "$out" 2>/dev/null; then
                  printf 'size %s\\n' "$(wc -c < "$out" | tr -d ' ')"; exit 0
                fi
                rm -f "$out"; echo "[Errno 2] No such file or directory: '\(path.replacingOccurrences(of: "'", with: "\\'"))'" >&2; exit 91
                """
            return try await finish(script, agent: agent, environment: environment)
        }
        var curl = ["curl", "-sS", "-L", "--connect-timeout", "\(timeout)", "-y", "\(timeout)", "-Y", "1",
                    "-D", "$hdr", "-o", "$out", "-w", "%{http_code} %{url_effective}", "-A", userAgent]
        var wget = ["-q", "-S", "-O", "$out", "-U", userAgent]
        var allHeaders = headers
        if noCache { allHeaders.append(("Cache-Control", "no-cache")) }
        if let since = ifModifiedSince { allHeaders.append(("If-Modified-Since", Self.httpDate(since))) }
        for (name, value) in allHeaders {
            curl += ["-H", "\(name): \(value)"]
            wget += ["--header=\(name): \(value)"]
        }
        if let username {
            curl += ["-u", "\(username):\(password ?? "")"]
            wget += ["--user=\(username)", "--password=\(password ?? "")"]
        }
        if !validateCerts {
            curl.append("-k")
            wget.append("--no-check-certificate")
        }
        if !useProxy {
            curl += ["--noproxy", "*"]
            wget.append("--no-proxy")
        }
        if decompress { curl.append("--compressed") }
        curl.append(url)
        wget.append(url)
        func words(_ list: [String]) -> String {
            list.map { $0 == "$hdr" || $0 == "$out" ? "\"\($0)\"" : shellQuote($0) }.joined(separator: " ")
        }
        script += """
            hdr="$out.hdr"
            tool=${DROVER_GET_URL_TOOL:-}
            if [ -z "$tool" ]; then
              if command -v curl >/dev/null 2>&1; then tool=curl
              elif command -v wget >/dev/null 2>&1; then tool=wget
              elif command -v busybox >/dev/null 2>&1 && busybox --list 2>/dev/null | grep -qx wget; then tool="busybox wget"
              else rm -f "$out"; echo "neither curl nor wget is installed on the host" >&2; exit 92
              fi
            fi
            printf 'tool %s\\n' "$tool"
            case "$tool" in
              curl)
                w=$(\(words(curl)) 2>"$hdr.err"); rc=$?
                printf 'rc %s\\nstatus %s\\n' "$rc" "$w"
                printf 'headers\\n'; cat "$hdr" 2>/dev/null; cat "$hdr.err" >&2 ;;
              *)
                # busybox 1.35's wget crashes on -T: it gets timeout(1) instead.
                tw=; to=
                if [ "$tool" = wget ] && wget --version 2>/dev/null | grep -q 'GNU Wget'; then tw="-T \(timeout)"
                elif command -v timeout >/dev/null 2>&1; then to="timeout \(timeout * 3)"; fi
                $to $tool $tw \(words(wget)) 2>"$hdr"; rc=$?
                printf 'rc %s\\n' "$rc"
                printf 'headers\\n'; sed -n 's/^  //p' "$hdr"; grep -v '^  ' "$hdr" >&2 ;;
            esac
            rm -f "$hdr" "$hdr.err"
            printf 'size %s\\n' "$(wc -c < "$out" | tr -d ' ')"
            exit 0
            """
        return try await finish(script, agent: agent, environment: environment)
    }

    private func finish(_ script: String, agent: AgentClient, environment: [(String, String)]) async throws -> Response {
        // No overall limit: curl and GNU wget give up on a stalled transfer
        // after `timeout` seconds; busybox wget runs under timeout(1).
        let r = try await agent.exec(script, environment: environment)
        var response = Response(tool: "", file: nil, status: nil, reason: "", headers: [:], finalURL: url, error: nil)
        // Split on bytes: a String would keep "\r\n" together as one Character.
        let lines = r.stdout.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var inHeaders = false
        var rc = 0
        var statusLines: [String] = []
        for line in lines {
            if inHeaders {
                if line.hasPrefix("size ") { response.size = Int(line.dropFirst(5)); inHeaders = false; continue }
                let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                if trimmed.hasPrefix("HTTP/") {
                    statusLines.append(trimmed)
                    response.headers = [:]  // the last response's headers (after redirects)
                } else if let colon = trimmed.firstIndex(of: ":") {
                    response.headers[trimmed[..<colon].lowercased()] = trimmed[trimmed.index(after: colon)...]
                        .trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            if line.hasPrefix("file ") { response.file = String(line.dropFirst(5)) }
            else if line.hasPrefix("tool ") { response.tool = String(line.dropFirst(5)) }
            else if line.hasPrefix("rc ") { rc = Int(line.dropFirst(3)) ?? 0 }
            else if line.hasPrefix("status ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1).map(String.init)
                if let code = parts.first.flatMap({ Int($0) }), code > 0 { response.status = code }
                if parts.count > 1 { response.finalURL = parts[1] }
            } else if line == "headers" { inHeaders = true }
            else if line.hasPrefix("size ") { response.size = Int(line.dropFirst(5)) }
        }
        if let last = statusLines.last {
            let parts = last.split(separator: " ", maxSplits: 2).map(String.init)
            if response.status == nil, parts.count > 1 { response.status = Int(parts[1]) }
            response.reason = parts.count > 2 ? parts[2] : Self.reasons[response.status ?? 0] ?? ""
        } else if let status = response.status {
            response.reason = Self.reasons[status] ?? ""
        }
        let stderr = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
        if r.rc != 0 {
            if let file = response.file { _ = try? await agent.exec("rm -f \(shellQuote(file))") }
            response.file = nil
            response.error = r.rc == 90 ? "cannot create a temporary file on the host: \(stderr)" : stderr
        } else if response.status == nil && !response.isFileURL {
            response.error = "Request failed: \(stderr.isEmpty ? "\(response.tool) exited with \(rc)" : stderr)"
        }
        return response
    }

    /// RFC 1123 date, for If-Modified-Since.
    static func httpDate(_ unix: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(unix)))
    }

    /// The file name a URL names (Ansible's url_filename).
    static func urlFilename(_ url: String) -> String {
        let path = URLComponents(string: url)?.path ?? ""
        let name = TransferPaths.basename(path)
        return name.isEmpty ? "index.html" : (name.removingPercentEncoding ?? name)
    }

    /// `filename=` of a Content-Disposition header, without directories.
    static func dispositionFilename(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard item.lowercased().hasPrefix("filename=") else { continue }
            var value = String(item.dropFirst("filename=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            let name = TransferPaths.basename(value)
            return name.isEmpty ? nil : name
        }
        return nil
    }

    static let reasons: [Int: String] = [
        200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error",
        502: "Bad Gateway", 503: "Service Unavailable",
    ]
}
