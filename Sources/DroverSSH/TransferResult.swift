/// A finished SFTP transfer, verified end to end.
public struct TransferResult: Sendable, Equatable {
    public var bytes: Int
    /// Lowercase hex SHA-256, the same on both ends.
    public var sha256: String

    public init(bytes: Int, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }
}
