import Crypto
import Foundation

/// Content-addressed files: `blobs/ab/abcdef…` named by SHA-256, written
/// once (temp file + rename), so equal payloads are stored once.
struct BlobStore: Sendable {
    let directory: String

    /// Stores `bytes`; returns their SHA-256.
    func put(_ bytes: [UInt8]) throws -> String {
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let folder = "\(directory)/\(digest.prefix(2))"
        let path = "\(folder)/\(digest)"
        if FileManager.default.fileExists(atPath: path) { return digest }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temp = "\(path).tmp.\(getpid())"
        guard FileManager.default.createFile(atPath: temp, contents: Data(bytes)) else {
            throw StoreError(.cannotOpen, "cannot write a blob in \(folder): check free space and permissions")
        }
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw StoreError(.cannotOpen, "cannot store a blob in \(folder): \(String(cString: strerror(errno)))")
        }
        return digest
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
}
