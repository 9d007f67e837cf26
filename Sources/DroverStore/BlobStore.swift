import Crypto
import Dispatch
import Foundation

/// Content-addressed files: `blobs/ab/abcdef…` named by SHA-256, written
/// once (temp file + rename), so equal payloads are stored once. Folders
/// 0700, files 0600 (`StorePermissions`).
struct BlobStore: Sendable {
    let directory: String

    /// Stores `bytes`; returns their SHA-256.
    func put(_ bytes: [UInt8]) throws -> String {
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        if exists(digest) { return digest }
        try write(bytes, as: digest)
        return digest
    }

    /// Writes the file of `digest` (anew, even when one is there).
    func write(_ bytes: [UInt8], as digest: String) throws {
        let folder = "\(directory)/\(digest.prefix(2))"
        let path = "\(folder)/\(digest)"
        try StorePermissions.makeDirectory(folder)
        let temp = "\(path).tmp.\(getpid()).\(UUID().uuidString)"
        guard StorePermissions.writeFile(bytes, to: temp) else {
            unlink(temp)
            throw StoreError(.cannotOpen, "cannot write a blob in \(folder): check free space and permissions")
        }
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw StoreError(.cannotOpen, "cannot store a blob in \(folder): \(String(cString: strerror(errno)))")
        }
    }

    func exists(_ digest: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(directory)/\(digest.prefix(2))/\(digest)")
    }

    func get(_ digest: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(digest.prefix(2))/\(digest)") else {
            throw StoreError(.blobMissing, "blob \(digest) is missing from \(directory); it may have been pruned")
        }
        return Array(data)
    }

    func remove(_ digest: String) {
        unlink("\(directory)/\(digest.prefix(2))/\(digest)")
    }

    /// Runs blocking file work on a Dispatch thread, not on Swift's
    /// cooperative pool (whose few threads the runs need).
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
