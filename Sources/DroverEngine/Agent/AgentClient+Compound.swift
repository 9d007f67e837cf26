/// Protocol 3's requests that check and act in one round trip, and the
/// multi-path stat (docs/agent-protocol.md).
extension AgentClient {
    /// The states of several paths in one request; with `checksums`,
    /// regular files also carry their SHA-256.
    public func stat(_ paths: [String], checksums: Bool = false) async throws -> [PathState] {
        let fields = [Array((checksums ? "sum" : "").utf8)] + paths.map { Array($0.utf8) }
        let response = try await call("stat", fields, timeout: primitiveTimeout)
        let items = response.metaItems
        return paths.indices.map { $0 < items.count ? PathState(meta: items[$0]) : .absent }
    }

    public struct Ensured: Sendable {
        public var changed: Bool
        public var before: PathState
        public var after: PathState
    }

    /// Makes a path a directory, an existing file, a touched file, a link or
    /// absent, with mode, owner and group, changing only what differs.
    public func ensure(_ path: String, state: String, mode: String = "", owner: String = "", group: String = "",
                       linkTarget: String = "") async throws -> Ensured {
        let r = try await call("ensure", [path, state, mode, owner, group, linkTarget].map { Array($0.utf8) },
                               timeout: primitiveTimeout)
        try checked(r, "make \(path) \(state)")
        return ensured(r)
    }

    /// Writes `content` unless the file already holds exactly it; mode,
    /// owner and group are made right either way.
    public func put(_ path: String, content: [UInt8], mode: String = "", owner: String = "", group: String = "",
                    backupDirectory: String = "") async throws -> Ensured {
        let digest = FileContentDigest.sha256(content)
        let fields: [[UInt8]] = [Array(path.utf8), content, Array(digest.utf8), Array(mode.utf8), Array(owner.utf8),
                                 Array(group.utf8), Array(backupDirectory.utf8)]
        let r = try await call("put", fields, timeout: primitiveTimeout)
        try checked(r, "write \(path)")
        return ensured(r)
    }

    private func ensured(_ response: AgentResponse) -> Ensured {
        let items = response.metaItems
        return Ensured(changed: response.meta["changed"] == "1",
                       before: items.first.map(PathState.init(meta:)) ?? .absent,
                       after: items.count > 1 ? PathState(meta: items[1]) : .absent)
    }
}

extension AgentResponse {
    /// The meta block's `item=K` sections, in order (several paths, or a
    /// state before and after).
    public var metaItems: [[String: String]] {
        var items: [[String: String]] = []
        for line in metaText.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            if key == "item" {
                items.append([:])
            } else if !items.isEmpty, items[items.count - 1][key] == nil {
                items[items.count - 1][key] = value
            }
        }
        return items
    }
}
