/// A piece of a task's output on one host, as it arrives (for live logs).
public struct OutputChunk: Sendable, Equatable {
    public enum Stream: String, Sendable, Codable { case stdout, stderr }

    public var taskID: TaskID
    public var host: String
    public var stream: Stream
    /// Orders the chunks of one task, host and stream (from 0).
    public var sequence: Int
    public var bytes: [UInt8]

    public init(taskID: TaskID, host: String, stream: Stream, sequence: Int, bytes: [UInt8]) {
        self.taskID = taskID
        self.host = host
        self.stream = stream
        self.sequence = sequence
        self.bytes = bytes
    }
}
