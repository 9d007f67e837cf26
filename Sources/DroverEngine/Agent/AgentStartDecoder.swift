import DroverSSH

/// The first answer on a new agent channel: `need` when the bootstrap
/// found no cached agent, else the agent's answer to the hello sent with
/// the bootstrap.
struct AgentStartDecoder: ResponseDecoder {
    private static let need = Array("need\n".utf8)
    private var detector = AgentFrame.ResponseDetector()
    private(set) var needsUpload = false
    private(set) var frame: [UInt8] = []

    var readsStderr: Bool { false }

    mutating func advance(stdout: inout [UInt8], stderr: inout [UInt8]) -> Bool {
        let prefix = stdout.prefix(Self.need.count)
        if Self.need.starts(with: prefix) {
            guard prefix.count == Self.need.count else { return false }
            stdout.removeFirst(Self.need.count)
            needsUpload = true
            return true
        }
        guard let length = detector.frameLength(in: stdout), stdout.count >= length else { return false }
        frame = Array(stdout[..<length])
        stdout.removeFirst(length)
        return true
    }
}
