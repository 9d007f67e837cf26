import HummingbirdBcrypt

/// bcrypt hashing and checking, always on a Dispatch thread: at cost 12 a
/// hash takes a quarter of a second of CPU, which would stall one of the
/// cooperative pool's few threads (and every task queued behind it).
public enum PasswordHasher {
    public static let defaultCost: UInt8 = 12

    /// A hash to check against when the user does not exist, so an unknown
    /// name takes as long to refuse as a wrong password (no user probing).
    /// Made once, lazily (on the Dispatch thread of the first check).
    static let decoy = Bcrypt.hash(String(UInt64.random(in: .min ... .max)), cost: defaultCost)

    static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await BlobStore.offThePool { Bcrypt.hash(password, cost: cost) }
    }

    /// Checks `password` against `hash`, or against the decoy when there
    /// is no hash (always false then, after the same work).
    static func verify(_ password: String, hash: String?) async throws -> Bool {
        try await BlobStore.offThePool {
            let matches = Bcrypt.verify(password, hash: hash ?? decoy)
            return hash != nil && matches
        }
    }
}
