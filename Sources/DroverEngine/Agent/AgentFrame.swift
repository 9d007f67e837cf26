/// The byte framing of docs/agent-protocol.md: requests are a header line
/// and length-prefixed fields; responses a header line with three lengths,
/// then the three blocks.
public enum AgentFrame {
    public static let version = 1

    public static func request(_ operation: String, _ fields: [[UInt8]]) -> [UInt8] {
        var bytes = Array("DRV\(version) \(operation) \(fields.count)\n".utf8)
        for field in fields {
            bytes += Array("\(field.count)\n".utf8)
            bytes += field
        }
        return bytes
    }

    /// The length of the whole response at the start of `buffer`, once its
    /// header line is complete (nil before).
    public static func responseLength(_ buffer: [UInt8]) -> Int? {
        guard let newline = buffer.firstIndex(of: 10) else { return nil }
        let numbers = buffer[..<newline].split(separator: 32).dropFirst(2).map { Int(String(decoding: $0, as: UTF8.self)) ?? 0 }
        return newline + 1 + numbers.reduce(0, +)
    }

    /// Splits a complete response; nil when the header is malformed.
    public static func parseResponse(_ frame: [UInt8]) -> AgentResponse? {
        guard let newline = frame.firstIndex(of: 10) else { return nil }
        let words = frame[..<newline].split(separator: 32).map { String(decoding: $0, as: UTF8.self) }
        guard words.count == 5, words[0] == "DRV\(version)",
              let rc = Int32(words[1]), let out = Int(words[2]), let err = Int(words[3]), let meta = Int(words[4]),
              newline + 1 + out + err + meta == frame.count else { return nil }
        let start = newline + 1
        return AgentResponse(
            rc: rc,
            stdout: Array(frame[start..<start + out]),
            stderr: Array(frame[start + out..<start + out + err]),
            metaText: String(decoding: frame[(start + out + err)...], as: UTF8.self)
        )
    }
}

/// One answer of the agent.
public struct AgentResponse: Sendable, Equatable {
    public var rc: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var metaText: String

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// `key=value` lines of the metadata block; the first occurrence wins.
    public var meta: [String: String] {
        var result: [String: String] = [:]
        for line in metaText.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq])
            if result[key] == nil { result[key] = String(line[line.index(after: eq)...]) }
        }
        return result
    }
}
