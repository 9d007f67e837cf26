import DroverCore
import DroverSSH
import Foundation

/// Path helpers shared by fetch, find, wait_for, get_url and unarchive.
enum TransferPaths {
    /// Python's `os.path.normpath` for POSIX paths.
    static func normalize(_ path: String) -> String {
        if path.isEmpty { return "." }
        let absolute = path.hasPrefix("/")
        // POSIX keeps exactly two leading slashes; Python does too.
        let doubleSlash = path.hasPrefix("//") && !path.hasPrefix("///")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return (doubleSlash ? "//" : "/") + joined }
        return joined.isEmpty ? "." : joined
    }

    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let head = String(path[..<slash])
        return head.isEmpty ? "/" : head
    }

    /// A host path as a shell word, with a leading `~` or `~/` expanded to
    /// `$HOME` on the host (Ansible expands `type: path` arguments there).
    static func shellWord(_ path: String) -> String {
        if path == "~" { return "\"$HOME\"" }
        if path.hasPrefix("~/") { return "\"$HOME\"" + shellQuote(String(path.dropFirst(1))) }
        return shellQuote(path)
    }
}

/// Digests of host files through the coreutils/busybox `*sum` tools.
enum FindDigest {
    static let tools = ["md5": "md5sum", "sha1": "sha1sum", "sha224": "sha224sum", "sha256": "sha256sum",
                        "sha384": "sha384sum", "sha512": "sha512sum"]

    /// One digest per path (nil where it could not be read), in as few
    /// `exec`s as the list allows.
    static func digests(_ paths: [String], algorithm: String, agent: AgentClient) async throws -> [String?] {
        guard let tool = tools[algorithm] else { return paths.map { _ in nil } }
        var out: [String?] = []
        var index = 0
        while index < paths.count {
            let chunk = paths[index..<min(paths.count, index + 400)]
            index += chunk.count
            let words = chunk.map(shellQuote).joined(separator: " ")
            let script = "for f in \(words); do { \(tool) < \"$f\" 2>/dev/null || echo -; } | cut -d' ' -f1; done"
            let r = try await agent.exec(script)
            var lines = TransferPaths.lines(r.stdout)
            while lines.count > chunk.count, lines.last == "" { lines.removeLast() }
            for k in 0..<chunk.count {
                let line = k < lines.count ? lines[k] : "-"
                out.append(line == "-" || line.isEmpty ? nil : line)
            }
        }
        return out
    }
}

extension TransferPaths {
    /// Lines of a host's output, split on "\n" bytes (a Swift String keeps
    /// "\r\n" together as one Character, so splitting text would miss them).
    static func lines(_ bytes: [UInt8], keepEmpty: Bool = true) -> [String] {
        bytes.split(separator: 10, omittingEmptySubsequences: !keepEmpty).map { String(decoding: $0, as: UTF8.self) }
    }
}
