import DroverSSH

/// Several responses that follow each other on one channel, decoded in
/// order by their own decoders: the answer to a pipelined batch of
/// requests (the agent answers in the order it was asked).
struct SequenceDecoder: ResponseDecoder {
    private(set) var decoders: [any ResponseDecoder]
    private var current = 0

    init(_ decoders: [any ResponseDecoder]) {
        self.decoders = decoders
    }

    var readsStderr: Bool { current < decoders.count && decoders[current].readsStderr }

    mutating func advance(stdout: inout [UInt8], stderr: inout [UInt8]) -> Bool {
        while current < decoders.count {
            guard decoders[current].advance(stdout: &stdout, stderr: &stderr) else { return false }
            current += 1
        }
        return true
    }
}
