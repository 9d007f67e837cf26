import DroverCore
/// Protocol 3's requests that check and act in one round trip, and the
/// multi-path stat (docs/agent-protocol.md).
extension AgentClient {
    /// The states of several paths in one request; with `algorithm` (md5,
    /// sha1, sha224, sha256, sha384, sha512) regular files also carry a
    /// `checksum` made with it.
    public func stat(_ paths: [String], algorithm: String? = nil) async throws -> [PathState] {
        let option = algorithm.map { "sum=\($0)" } ?? ""
        let fields = [Array(option.utf8)] + paths.map { Array($0.utf8) }
        let response = try await call("stat", fields, timeout: primitiveTimeout)
        let items = response.metaItems
        return paths.indices.map { $0 < items.count ? PathState(meta: items[$0]) : .absent }
    }

    public struct Ensured: Sendable {
        public var changed: Bool
        public var before: PathState
        public var after: PathState
        /// `put`: the bytes it replaced (meta `previous=inline`), for undo and diffs.
        public var previousContent: [UInt8]?
        /// `put` into a directory: where the file went.
        public var path: String?
        /// `put` wrote bytes (meta `written=1`), not only mode or owner.
        public var wroteContent = false
        /// `put` with `expecting`: the file was not in the state expected,
        /// nothing was done; `current` has its bytes (a regular file's).
        public var stale = false
        public var current: [UInt8]?
    }

    /// Makes a path a directory, an existing file, a link or absent, with
    /// mode, owner and group, changing only what differs. A refusal is
    /// not thrown: the module words it.
    public func ensure(_ path: String, state: String, mode: String, owner: String, group: String,
                               linkTarget: String) async throws -> (response: AgentResponse, outcome: Ensured) {
        let r = try await call("ensure", [path, state, mode, owner, group, linkTarget].map { Array($0.utf8) },
                               timeout: primitiveTimeout)
        return (r, ensured(r))
    }

    /// Writes `content` unless the file already holds exactly it; mode,
    /// owner and group are made right either way. When `path` is a
    /// directory and `nameInDirectory` is given, the file goes inside it
    /// under that name (copy's `dest: DIR/`); otherwise a directory fails.
    /// With `expecting` (a SHA-256, or `absent`) it writes only over that
    /// state; otherwise the answer is `stale` with the file's bytes.
    public func put(_ path: String, content: [UInt8], mode: String = "", owner: String = "", group: String = "",
                    backupDirectory: String = "", nameInDirectory: String = "", expecting: String? = nil) async throws -> Ensured {
        let digest = FileContentDigest.sha256(content)
        var fields: [[UInt8]] = [Array(path.utf8), content, Array(digest.utf8), Array(mode.utf8), Array(owner.utf8),
                                 Array(group.utf8), Array(backupDirectory.utf8), Array(nameInDirectory.utf8)]
        if let expecting { fields.append(Array(expecting.utf8)) }
        let r = try await call("put", fields, timeout: primitiveTimeout)
        try check(r, "write \(path)")
        var outcome = ensured(r)
        if r.meta["stale"] == "1" {
            outcome.stale = true
            outcome.current = outcome.before.isFile ? r.stdout : nil
        } else {
            contents?.remember(outcome.path ?? path, state: outcome.changed ? outcome.after : outcome.before, bytes: content,
                               sha256: digest)
        }
        return outcome
    }

    private func ensured(_ response: AgentResponse) -> Ensured {
        let items = response.metaItems
        let meta = response.meta
        return Ensured(changed: meta["changed"] == "1",
                       before: items.first.map(PathState.init(meta:)) ?? .absent,
                       after: items.count > 1 ? PathState(meta: items[1]) : .absent,
                       previousContent: meta["previous"] == "inline" ? response.stdout : nil,
                       path: meta["path"], wroteContent: meta["written"] == "1")
    }
}

extension AgentResponse {
    /// Every value of a repeated meta key, in order (`created=` lines).
    public func metaValues(_ key: String) -> [String] {
        metaPairs.filter { $0.key == key }.map(\.value)
    }

    /// The meta block's `item=K` sections, in order (several paths, or a
    /// state before and after).
    public var metaItems: [[String: String]] {
        var items: [[String: String]] = []
        for (key, value) in metaPairs {
            if key == "item" {
                items.append([:])
            } else if !items.isEmpty, items[items.count - 1][key] == nil {
                items[items.count - 1][key] = value
            }
        }
        return items
    }
}

extension AgentClient {
    /// A path's state and, when it is a regular file, its bytes: one
    /// request (protocol 3's `read` answers the stat keys too).
    public func readWithState(_ path: String) async throws -> (state: PathState, content: [UInt8]?) {
        let r = try await call("read", [Array(path.utf8)], timeout: primitiveTimeout)
        let state = PathState(meta: r.meta)
        let content = r.rc == 0 && state.isFile ? r.stdout : nil
        contents?.remember(path, state: state, bytes: content)
        return (state, content)
    }
}
