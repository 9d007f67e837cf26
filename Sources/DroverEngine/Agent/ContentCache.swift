import DroverCore
import Foundation

/// The files of one host whose bytes this run has read or written, so
/// that an edit of one of them later in the run (a second lineinfile on
/// the same file) writes in one round trip instead of reading first. The
/// write names the digest it expects (`put`'s `expected`), so a file that
/// changed in between is never overwritten: the agent answers it stale,
/// with its bytes, and the edit is made again on them. Small files only,
/// and a bound on the whole.
public final class ContentCache: @unchecked Sendable {
    public struct Known: Sendable {
        public var state: PathState
        public var bytes: [UInt8]
        public var sha256: String
    }

    /// A file as remembered: its digest is taken when an edit first needs
    /// it, so reads and writes that are never edited again pay no hash.
    private struct Entry {
        var state: PathState
        var bytes: [UInt8]
        var sha256: String?
    }

    public static let largestFile = 256 * 1024
    public static let budget = 8 * 1024 * 1024

    private let lock = NSLock()
    private var files: [String: Entry] = [:]
    private var order: [String] = []
    private var size = 0

    public init() {}

    public func known(_ path: String) -> Known? {
        lock.withLock {
            guard var entry = files[path] else { return nil }
            let digest = entry.sha256 ?? FileContentDigest.sha256(entry.bytes)
            entry.sha256 = digest
            files[path] = entry
            return Known(state: entry.state, bytes: entry.bytes, sha256: digest)
        }
    }

    /// What a regular file holds now (`sha256`: its digest, when the caller
    /// has it); anything else is forgotten.
    public func remember(_ path: String, state: PathState, bytes: [UInt8]?, sha256: String? = nil) {
        lock.withLock {
            drop(path)
            guard state.isFile, let bytes, bytes.count <= Self.largestFile else { return }
            files[path] = Entry(state: state, bytes: bytes, sha256: sha256)
            order.append(path)
            size += bytes.count
            while size > Self.budget, let oldest = order.first { drop(oldest) }
        }
    }

    private func drop(_ path: String) {
        guard let old = files.removeValue(forKey: path) else { return }
        size -= old.bytes.count
        order.removeAll { $0 == path }
    }
}
