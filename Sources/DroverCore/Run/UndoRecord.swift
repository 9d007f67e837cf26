/// One recorded undo entry of a host, in the order the run made it.
public struct UndoRecord: Sendable, Equatable {
    public var sequence: Int
    public var entry: UndoEntry
    /// The task that made the change, for messages.
    public var task: String

    public init(sequence: Int, entry: UndoEntry, task: String) {
        self.sequence = sequence
        self.entry = entry
        self.task = task
    }
}
