import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// find: files under `paths` by name, type, age, size, mode and content.
/// One `exec` lists every entry with its stat data (GNU `find -printf`,
/// else `find -exec stat -c`); the filters run here, in Ansible's order.
struct FindModule: Module {
    /// One directory entry as the host's `find` printed it.
    struct Entry {
        var path: String
        var depth: Int
        var type: Character  // f d l b c p s
        var mode: Int        // permission bits, with setuid/setgid/sticky
        var uid: Int, gid: Int
        var size: Int
        var mtime: Double, atime: Double, ctime: Double
        var inode: Int, dev: Int, nlink: Int
        var owner: String, group: String
    }

    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        guard let paths = args.list("paths"), !paths.isEmpty else { return .failure("missing required arguments: paths") }
        let useRegex = args.bool("use_regex")
        var patterns = args.list("patterns") ?? []
        if patterns.isEmpty { patterns = [useRegex ? ".*" : "*"] }
        let excludes = args.list("excludes") ?? []
        let fileType = args.string("file_type") ?? "file"
        let ageStamp = args.string("age_stamp") ?? "mtime"
        let recurse = args.bool("recurse")
        let hidden = args.bool("hidden")
        let follow = args.bool("follow")
        let getChecksum = args.bool("get_checksum")
        let algorithm = args.string("checksum_algorithm") ?? "sha1"
        let depthLimit = args.int("depth").flatMap { $0 > 0 ? $0 : nil }
        let exactMode = args.bool("exact_mode", default: true)
        let readWholeFile = args.bool("read_whole_file")
        let limit = args.int("limit")

        guard FindDigest.tools[algorithm] != nil else {
            return .failure("value of checksum_algorithm must be one of: md5, sha1, sha224, sha256, sha384, sha512, got: \(algorithm)")
        }
        if let limit, limit <= 0 { return .failure("limit cannot be \(limit) (use None for unlimited)") }
        var age: Int?
        if let text = args.string("age") {
            guard let seconds = Self.scaled(text, units: ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]) else {
                return .failure("failed to process age", ["age": .string(text)])
            }
            age = seconds
        }
        var size: Int?
        if let text = args.string("size") {
            guard let bytes = Self.scaled(text, units: ["b": 1, "k": 1024, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]) else {
                return .failure("failed to process size", ["size": .string(text)])
            }
            size = bytes
        }
        var modeFilter: Int?
        if let mode = args["mode"], mode != .null {
            guard case .string(let text) = mode else {
                return .failure("argument 'mode' is not a string and conversion is not allowed, value is of type \(mode.pythonTypeName)")
            }
            guard let bits = Int(text, radix: 8) ?? Self.symbolicMode(text) else {
                return .failure("mode must be in octal or symbolic form: \(text)")
            }
            modeFilter = bits & 0o7777
        }
        var matchers: [(String) -> Bool] = []
        var excluders: [(String) -> Bool] = []
        do {
            matchers = try patterns.map { try Self.nameMatcher($0, regex: useRegex) }
            excluders = try excludes.map { try Self.nameMatcher($0, regex: useRegex) }
        } catch {
            return .failure("invalid regular expression in patterns or excludes: \(error)")
        }
        var contains: PythonRegex?
        if let text = args.string("contains") {
            do { contains = try PythonRegex(text) } catch {
                return .failure("invalid regular expression in contains: \(text)")
            }
        }

        let listing = try await list(paths, recurse: recurse, depth: depthLimit, follow: follow, agent: context.agent)
        var files: [Value] = []
        var regular: [Int] = []  // indexes into files needing a checksum
        var skipped: OrderedDictionary<String, Value> = [:]
        var looked = 0
        var msg = "All paths examined"
        var warned = false
        let now = listing.now

        walk: for root in listing.roots {
            guard root.isDirectory else {
                skipped[root.path] = .string("'\(root.path)' is not a directory")
                warned = true
                continue
            }
            // os.walk order: each directory's entries together, files then
            // directories, directories visited depth-first.
            var children: [String: [Entry]] = [:]
            for entry in root.entries { children[TransferPaths.dirname(entry.path), default: []].append(entry) }
            var stack = [root.normalized]
            while let directory = stack.popLast() {
                let entries = (children[directory] ?? []).sorted { a, b in
                    (a.type == "d") != (b.type == "d") ? b.type == "d" : a.path < b.path
                }
                looked += entries.count
                let subdirectories = entries.filter { $0.type == "d" }.map(\.path)
                stack.append(contentsOf: subdirectories.reversed())
                for entry in entries {
                    if let depthLimit, entry.depth > depthLimit { continue }
                    let name = TransferPaths.basename(entry.path)
                    if name.hasPrefix(".") && !hidden { continue }
                    let matches = Self.pfilter(name, matchers, excluders)
                        && Self.ageFilter(entry, now: now, age: age, stamp: ageStamp)
                        && Self.modeFilter(entry.mode, modeFilter, exact: exactMode)
                    guard matches else { continue }
                    var keep = false
                    switch fileType {
                    case "any": keep = entry.type != "f" || Self.sizeFilter(entry.size, size)
                    case "directory": keep = entry.type == "d"
                    case "link": keep = entry.type == "l"
                    default:
                        keep = entry.type == "f" && Self.sizeFilter(entry.size, size)
                        if keep, let contains {
                            keep = try await Self.contentMatches(entry.path, contains, wholeFile: readWholeFile, agent: context.agent)
                        }
                    }
                    guard keep else { continue }
                    if entry.type == "f" && getChecksum && (fileType == "file" || fileType == "any") { regular.append(files.count) }
                    files.append(.dict(Self.statInfo(entry)))
                    if files.count == limit {
                        msg = "Limit of matches reached"
                        break walk
                    }
                }
                if !recurse { break }
            }
        }
        for (path, error) in listing.errors where skipped[path] == nil { skipped[path] = .string(error) }
        if !regular.isEmpty {
            let targets = regular.map { index -> String in
                if case .dict(let d) = files[index] { return d["path"]?.text ?? "" }
                return ""
            }
            let sums = try await FindDigest.digests(targets, algorithm: algorithm, agent: context.agent)
            for (index, sum) in zip(regular, sums) {
                guard case .dict(var d) = files[index] else { continue }
                d["checksum"] = sum.map(Value.string) ?? .null
                files[index] = .dict(d)
            }
        }
        if warned { msg = "Not all paths examined, check warnings for details" }
        var result = ModuleResult(msg: msg)
        result.values["files"] = .list(files)
        result.values["matched"] = .int(files.count)
        result.values["examined"] = .int(looked)
        result.values["skipped_paths"] = .dict(skipped)
        return result
    }

    // MARK: - Listing on the host

    struct Root {
        var path: String
        var normalized: String
        var isDirectory: Bool
        var entries: [Entry]
    }

    struct Listing {
        var now: Double
        var roots: [Root]
        /// Walk errors (permission denied), by path.
        var errors: [(String, String)]
    }

    /// Tokens on stdout, each ended by NUL: the host's time, `gnu` or
    /// `stat`, then per path: `P`, the expanded path, `D` (a directory) or
    /// `N`, its entries, `E`. A GNU entry is four tokens (numbers, user,
    /// group, path); a `stat` entry is one line turned into one token.
    func list(_ paths: [String], recurse: Bool, depth: Int?, follow: Bool, agent: AgentClient) async throws -> Listing {
        // Entries one level below `depth` are examined but not matched, as os.walk does.
        let maxDepth = recurse ? depth.map { "-maxdepth \($0 + 1) " } ?? "" : "-maxdepth 1 "
        let followFlag = follow ? "-L " : ""
        let gnuFormat = "%m %U %G %s %T@ %A@ %C@ %i %D %n %d %y\\0%u\\0%g\\0%p\\0"
        let statFormat = "%f %u %g %s %Y %X %Z %i %d %h %U %G %n"
        var script = """
            date +%s; printf '\\0'
            if find / -maxdepth 0 -printf '' >/dev/null 2>&1; then g=1; printf 'gnu\\0'; else g=; printf 'stat\\0'; fi

            """
        for path in paths {
            script += """
                p=\(TransferPaths.shellWord(path)); printf 'P\\0%s\\0' "$p"
                if [ -d "$p" ]; then
                  printf 'D\\0'
                  if [ -n "$g" ]; then find \(followFlag)"$p" -mindepth 1 \(maxDepth)-printf '\(gnuFormat)'
                  else find \(followFlag)"$p" -mindepth 1 \(maxDepth)-exec stat \(follow ? "-L " : "")-c '\(statFormat)' {} + | tr '\\n' '\\000'
                  fi
                else printf 'N\\0'; fi
                printf 'E\\0'

                """
        }
        let r = try await agent.exec(script, environment: [("LC_ALL", "C")])
        var tokens = r.stdout.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if tokens.last == "" { tokens.removeLast() }
        var listing = Listing(now: Date().timeIntervalSince1970, roots: [], errors: [])
        guard tokens.count >= 2 else {
            throw PrimitiveError(host: agent.hostName, message: "find: cannot list \(paths.joined(separator: ", ")): \(r.stderrText)")
        }
        if let now = Double(tokens[0].trimmingCharacters(in: .whitespacesAndNewlines)) { listing.now = now }
        let gnu = tokens[1] == "gnu"
        var i = 2
        while i + 2 < tokens.count, tokens[i] == "P" {
            let path = tokens[i + 1]
            let isDirectory = tokens[i + 2] == "D"
            i += 3
            let normalized = TransferPaths.normalize(path)
            var root = Root(path: path, normalized: normalized, isDirectory: isDirectory, entries: [])
            while i < tokens.count, tokens[i] != "E" {
                if gnu {
                    guard i + 3 < tokens.count else { i = tokens.count; break }
                    if let entry = Self.gnuEntry(tokens[i], user: tokens[i + 1], group: tokens[i + 2], path: tokens[i + 3]) {
                        root.entries.append(entry)
                    }
                    i += 4
                } else {
                    if let entry = Self.statEntry(tokens[i], root: normalized) { root.entries.append(entry) }
                    i += 1
                }
            }
            i += 1
            for k in root.entries.indices { root.entries[k].path = TransferPaths.normalize(root.entries[k].path) }
            listing.roots.append(root)
        }
        // `find: '/x': Permission denied` (LC_ALL=C quoting).
        for line in r.stderrText.split(separator: "\n") {
            guard line.hasPrefix("find: '"), let end = line.range(of: "': ", options: .backwards) else { continue }
            let path = String(line[line.index(line.startIndex, offsetBy: 7)..<end.lowerBound])
            let reason = String(line[end.upperBound...])
            let errno = reason == "Permission denied" ? "[Errno 13] " : reason == "No such file or directory" ? "[Errno 2] " : ""
            listing.errors.append((path, "\(errno)\(reason): '\(path)'"))
        }
        return listing
    }

    static func gnuEntry(_ numbers: String, user: String, group: String, path: String) -> Entry? {
        let f = numbers.split(separator: " ").map(String.init)
        guard f.count == 12, let mode = Int(f[0], radix: 8), let uid = Int(f[1]), let gid = Int(f[2]),
              let size = Int(f[3]), let depth = Int(f[10]), let type = f[11].first else { return nil }
        return Entry(path: path, depth: depth, type: type, mode: mode, uid: uid, gid: gid, size: size,
                     mtime: Double(f[4]) ?? 0, atime: Double(f[5]) ?? 0, ctime: Double(f[6]) ?? 0,
                     inode: Int(f[7]) ?? 0, dev: Int(f[8]) ?? 0, nlink: Int(f[9]) ?? 0,
                     owner: user == f[1] ? "" : user, group: group == f[2] ? "" : group)
    }

    static func statEntry(_ line: String, root: String) -> Entry? {
        let f = line.split(separator: " ", maxSplits: 12, omittingEmptySubsequences: false).map(String.init)
        guard f.count == 13, let raw = Int(f[0], radix: 16), let uid = Int(f[1]), let gid = Int(f[2]),
              let size = Int(f[3]) else { return nil }
        let types: [Int: Character] = [0o100000: "f", 0o040000: "d", 0o120000: "l", 0o060000: "b",
                                       0o020000: "c", 0o010000: "p", 0o140000: "s"]
        let path = f[12]
        let relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
        let depth = relative.split(separator: "/").count
        func name(_ s: String, _ id: String) -> String { s == "UNKNOWN" || s == id ? "" : s }
        return Entry(path: path, depth: depth, type: types[raw & 0o170000] ?? "f", mode: raw & 0o7777,
                     uid: uid, gid: gid, size: size,
                     mtime: Double(f[4]) ?? 0, atime: Double(f[5]) ?? 0, ctime: Double(f[6]) ?? 0,
                     inode: Int(f[7]) ?? 0, dev: Int(f[8]) ?? 0, nlink: Int(f[9]) ?? 0,
                     owner: name(f[10], f[1]), group: name(f[11], f[2]))
    }

    // MARK: - Filters (ansible.builtin.find's)

    /// `10k`, `-1w`: a signed number with an optional unit letter.
    static func scaled(_ text: String, units: [Character: Int]) -> Int? {
        var s = text.lowercased()
        var factor = 1
        if let last = s.last, let unit = units[last] { factor = unit; s.removeLast() }
        let digits = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s) else { return nil }
        return n * factor
    }

    static func nameMatcher(_ pattern: String, regex: Bool) throws -> (String) -> Bool {
        if regex {
            let compiled = try PythonRegex(pattern)
            return { compiled.matchAtStart($0) != nil }
        }
        return { FnMatch.matches($0, pattern) }
    }

    static func pfilter(_ name: String, _ patterns: [(String) -> Bool], _ excludes: [(String) -> Bool]) -> Bool {
        guard patterns.contains(where: { $0(name) }) else { return false }
        return !excludes.contains { $0(name) }
    }

    static func ageFilter(_ e: Entry, now: Double, age: Int?, stamp: String) -> Bool {
        guard let age else { return true }
        let t = stamp == "atime" ? e.atime : stamp == "ctime" ? e.ctime : e.mtime
        return age >= 0 ? now - t >= Double(age) : now - t <= Double(-age)
    }

    static func sizeFilter(_ value: Int, _ size: Int?) -> Bool {
        guard let size else { return true }
        return size >= 0 ? value >= size : value <= -size
    }

    static func modeFilter(_ mode: Int, _ wanted: Int?, exact: Bool) -> Bool {
        guard let wanted else { return true }
        return exact ? mode == wanted : mode & wanted != 0
    }

    /// `contains`: Python's `re.match` on each line (line ends kept), or
    /// `re.search` on the whole file.
    static func contentMatches(_ path: String, _ regex: PythonRegex, wholeFile: Bool, agent: AgentClient) async throws -> Bool {
        guard let bytes = try await agent.read(path) else { return false }
        let text = String(decoding: bytes, as: UTF8.self)
        if wholeFile { return regex.search(text) != nil }
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: "\n").map { text.index(after: $0) } ?? text.endIndex
            if regex.matchAtStart(String(text[start..<end])) != nil { return true }
            start = end
        }
        return false
    }

    /// `u=rw,g=r,o=r` applied to mode 0, as Ansible's find does.
    static func symbolicMode(_ text: String) -> Int? {
        var mode = 0
        for clause in text.split(separator: ",") {
            let chars = Array(clause)
            var i = 0
            var who = 0
            while i < chars.count, "ugoa".contains(chars[i]) {
                switch chars[i] {
                case "u": who |= 0o4700
                case "g": who |= 0o2070
                case "o": who |= 0o1007
                default: who |= 0o7777
                }
                i += 1
            }
            if who == 0 { who = 0o7777 }
            guard i < chars.count else { return nil }
            while i < chars.count {
                let op = chars[i]
                guard "+-=".contains(op) else { return nil }
                i += 1
                var perm = 0
                while i < chars.count, !"+-=".contains(chars[i]) {
                    switch chars[i] {
                    case "r": perm |= 0o444
                    case "w": perm |= 0o222
                    case "x": perm |= 0o111
                    case "X": break  // mode 0 is neither a directory nor executable
                    case "s": perm |= 0o6000
                    case "t": perm |= 0o1000
                    case "u": perm |= (mode & 0o700) >> 6 * 0o111
                    case "g": perm |= (mode & 0o070) >> 3 * 0o111
                    case "o": perm |= (mode & 0o007) * 0o111
                    default: return nil
                    }
                    i += 1
                }
                let bits = perm & who
                switch op {
                case "+": mode |= bits
                case "-": mode &= ~bits
                default: mode = (mode & ~(who & 0o7777)) | bits
                }
            }
        }
        return mode
    }

    /// Ansible's `statinfo` dictionary.
    static func statInfo(_ e: Entry) -> OrderedDictionary<String, Value> {
        let m = e.mode
        return [
            "path": .string(e.path),
            "mode": .string(String(format: "%04o", m & 0o7777)),
            "isdir": .bool(e.type == "d"), "ischr": .bool(e.type == "c"), "isblk": .bool(e.type == "b"),
            "isreg": .bool(e.type == "f"), "isfifo": .bool(e.type == "p"), "islnk": .bool(e.type == "l"),
            "issock": .bool(e.type == "s"),
            "uid": .int(e.uid), "gid": .int(e.gid), "size": .int(e.size),
            "inode": .int(e.inode), "dev": .int(e.dev), "nlink": .int(e.nlink),
            "atime": .double(e.atime), "mtime": .double(e.mtime), "ctime": .double(e.ctime),
            "gr_name": .string(e.group), "pw_name": .string(e.owner),
            "wusr": .bool(m & 0o200 != 0), "rusr": .bool(m & 0o400 != 0), "xusr": .bool(m & 0o100 != 0),
            "wgrp": .bool(m & 0o020 != 0), "rgrp": .bool(m & 0o040 != 0), "xgrp": .bool(m & 0o010 != 0),
            "woth": .bool(m & 0o002 != 0), "roth": .bool(m & 0o004 != 0), "xoth": .bool(m & 0o001 != 0),
            "isuid": .bool(m & 0o4000 != 0), "isgid": .bool(m & 0o2000 != 0),
        ]
    }
}
