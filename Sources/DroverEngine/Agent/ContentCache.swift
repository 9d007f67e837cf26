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

    public static let largestFile = 256 * 1024
    public static let budget = 8 * 1024 * 1024

    private let lock = NSLock()
    private var files: [String: Known] = [:]
    private var order: [String] = []
    private var size = 0

    public init() {}

    public func known(_ path: String) -> Known? {
        lock.withLock { files[path] }
    }

    /// What a regular file holds now; anything else is forgotten.
    public func remember(_ path: String, state: PathState, bytes: [UInt8]?) {
        lock.withLock {
            drop(path)
            guard state.isFile, let bytes, bytes.count <= Self.largestFile else { return }
            files[path] = Known(state: state, bytes: bytes, sha256: FileContentDigest.sha256(bytes))
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
