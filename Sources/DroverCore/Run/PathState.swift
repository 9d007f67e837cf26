/// What the agent reports about a path (its `stat` metadata), also the
/// "state before" of every changing primitive, kept for undo.
public struct PathState: Sendable, Equatable {
    public enum Kind: String, Sendable { case file, directory, link, other }

    public var exists: Bool
    public var kind: Kind?
    /// Octal permission bits as text, e.g. "644".
    public var mode: String?
    public var uid: Int?
    public var gid: Int?
    public var owner: String?
    public var group: String?
    public var size: Int?
    public var mtime: Int?
    /// A symlink's target.
    public var target: String?
    /// A regular file's digest, when the request asked for it (`stat` with
    /// `sum`: SHA-256; with `sum=ALG`: that algorithm, in `checksum`).
    public var sha256: String?
    public var checksum: String?

    public static let absent = PathState(exists: false)

    public init(exists: Bool, kind: Kind? = nil, mode: String? = nil) {
        self.exists = exists
        self.kind = kind
        self.mode = mode
    }

    public init(meta: [String: String]) {
        exists = meta["exists"] == "1"
        kind = meta["type"].flatMap(Kind.init(rawValue:))
        mode = meta["mode"]
        uid = meta["uid"].flatMap { Int($0) }
        gid = meta["gid"].flatMap { Int($0) }
        owner = meta["owner"]
        group = meta["group"]
        size = meta["size"].flatMap { Int($0) }
        mtime = meta["mtime"].flatMap { Int($0) }
        target = meta["target"]
        sha256 = meta["sha256"]
        checksum = meta["checksum"]
    }

    public var isFile: Bool { exists && kind == .file }
    public var isDirectory: Bool { exists && kind == .directory }
    public var isLink: Bool { exists && kind == .link }

    /// Mode as Ansible prints it: four octal digits ("0644").
    public var modeText: String? {
        mode.map { String(repeating: "0", count: max(0, 4 - $0.count)) + $0 }
    }
}
