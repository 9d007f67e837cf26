/// A store failure, with a code and a message that says what to do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case cannotOpen = "cannot_open"
        case notFound = "not_found"
        case blobMissing = "blob_missing"
        case alreadyExists = "already_exists"
        /// The change would break a rule (the last admin, …).
        case conflict
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
