/// A remote log file or journal excerpt brought into the store.
public struct CollectedLog: Sendable, Equatable {
    /// The path, or `journal:UNIT`.
    public var source: String
    public var content: [UInt8]

    public init(source: String, content: [UInt8]) {
        self.source = source
        self.content = content
    }
}
