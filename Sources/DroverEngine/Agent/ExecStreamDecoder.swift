import DroverSSH

/// The response to a v3 `exec` as it streams (docs/agent-protocol.md): the
/// command's stdout arrives inside the response on stdout, its stderr on
/// the process's stderr stream closed by `\n<token>\n`. Bytes are handed to
/// `onOutput` as soon as they cannot be part of a closing token line, so a
/// long task's output shows while it runs.
struct ExecStreamDecoder: ResponseDecoder {
    typealias Stream = ExecOutputStream
    typealias Sink = @Sendable (Stream, ArraySlice<UInt8>) -> Void

    let token: String
    let onOutput: Sink?
    private let separator: [UInt8]
    private let header: [UInt8]
    private var headerResolved = false
    private var response: [UInt8] = []
    private var detector = AgentFrame.ResponseDetector()
    private var frameLength: Int?
    /// Where stdout's out block starts in `response`, and how far it was handed on.
    private var outStart: Int?
    private var outEmitted = 0
    private var outClosed = false
    private var errBytes: [UInt8] = []
    private var errEmitted = 0
    private var errClosed = false
    private(set) var result: AgentResponse?

    init(token: String, onOutput: Sink?) {
        self.token = token
        self.onOutput = onOutput
        separator = Array("\n\(token)\n".utf8)
        header = Array("DRV\(AgentFrame.version) \(token)\n".utf8)
    }

    var readsStderr: Bool { !errClosed }

    mutating func advance(stdout: inout [UInt8], stderr: inout [UInt8]) -> Bool {
        takeStderr(&stderr)
        if frameLength == nil {
            response += stdout
            stdout.removeAll(keepingCapacity: true)
            guard resolveHeader() else { return false }
            if let length = detector.frameLength(in: response) {
                // What follows the response belongs to the next one.
                if response.count > length {
                    stdout = Array(response[length...])
                    response.removeSubrange(length...)
                }
                frameLength = length
            }
            streamStdout()
        }
        guard frameLength != nil else { return false }
        if result == nil {
            guard let parsed = AgentFrame.parseResponse(response, token: token) else {
                // Out of protocol: hand the caller what came, it reports it.
                result = AgentResponse(rc: -1, stdout: response, stderr: [], metaText: "")
                errClosed = true
                return true
            }
            result = parsed
            // Answered without streaming (refused before it ran): no stderr marker follows.
            if parsed.meta["stderr"] != "stream" { errClosed = true }
        }
        guard errClosed else { return false }
        if result?.meta["stderr"] == "stream" { result?.stderr = errBytes }
        return true
    }

    /// A streamed exec sends no header line: its output starts the
    /// response. An exec refused before it ran answers whole, header first.
    /// The command never sees the token, so output that begins like the
    /// header can only be a prefix of it: wait for the bytes that decide.
    private mutating func resolveHeader() -> Bool {
        guard !headerResolved else { return true }
        let common = min(response.count, header.count)
        if response[..<common].elementsEqual(header[..<common]) {
            guard response.count >= header.count else { return false }
        } else {
            response.insert(contentsOf: header, at: 0)
        }
        headerResolved = true
        return true
    }

    private mutating func takeStderr(_ stderr: inout [UInt8]) {
        guard !errClosed, !stderr.isEmpty else { return }
        let from = max(0, errBytes.count - separator.count + 1)
        errBytes += stderr
        stderr.removeAll(keepingCapacity: true)
        if let hit = AgentFrame.find(separator, in: errBytes, from: from) {
            // Bytes after the marker are not this exec's; give them back.
            stderr = Array(errBytes[(hit + separator.count)...])
            errBytes.removeSubrange(hit...)
            errClosed = true
            emit(.stderr, upTo: errBytes.count)
        } else {
            emit(.stderr, upTo: errBytes.count - heldBack(errBytes, from: errEmitted))
        }
    }

    private mutating func streamStdout() {
        guard !outClosed, onOutput != nil else { return }
        if outStart == nil {
            guard let header = response.firstIndex(of: 10) else { return }
            outStart = header + 1
            outEmitted = header + 1
        }
        if let hit = AgentFrame.find(separator, in: response, from: max(outStart!, outEmitted - separator.count + 1)) {
            if hit > outEmitted { onOutput?(.stdout, response[outEmitted..<hit]) }
            outEmitted = hit
            outClosed = true
        } else {
            let safe = response.count - heldBack(response, from: outEmitted)
            if safe > outEmitted {
                onOutput?(.stdout, response[outEmitted..<safe])
                outEmitted = safe
            }
        }
    }

    /// How many bytes at the end of `bytes` (after `from`) could be the
    /// start of the closing marker: only those wait for more bytes, so a
    /// line shows as soon as it is written (its newline may wait).
    private func heldBack(_ bytes: [UInt8], from: Int) -> Int {
        let longest = min(separator.count - 1, bytes.count - from)
        var length = longest
        while length > 0 {
            if bytes[(bytes.count - length)...].elementsEqual(separator[..<length]) { return length }
            length -= 1
        }
        return 0
    }

    private mutating func emit(_ stream: Stream, upTo end: Int) {
        guard end > errEmitted else { return }
        onOutput?(stream, errBytes[errEmitted..<end])
        errEmitted = end
    }
}

/// Which of an exec's streams some live output came on.
public enum ExecOutputStream: Sendable { case stdout, stderr }
