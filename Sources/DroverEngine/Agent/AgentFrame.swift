import DroverSSH

/// The byte framing of docs/agent-protocol.md. A request is a header line
/// and its fields, short one-line fields inline and the rest length-prefixed.
/// A response is a header line naming the request's token, then the blocks
/// out, err and meta, each closed by a line holding that token, the last one
/// with the exit status. The agent never counts bytes, which would cost it a
/// process per answer.
public enum AgentFrame {
    public static let version = 3
    /// Longest field sent inline: the agent's `read` builtin takes a pipe
    /// one byte per system call, cheaper than a `dd` process up to here.
    static let inlineLimit = 512

    /// A fresh random token: output cannot close a block unless it holds
    /// the token of the request being answered, which it never saw.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return "t" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func request(_ operation: String, _ fields: [[UInt8]], token: String) -> [UInt8] {
        var bytes = Array("DRV\(version) \(operation) \(fields.count) \(token)\n".utf8)
        for field in fields { appendField(field, to: &bytes) }
        return bytes
    }

    static func appendField(_ field: [UInt8], to bytes: inout [UInt8]) {
        if !field.isEmpty, field.count <= inlineLimit, !field.contains(0) {
            let newlines = field.lazy.filter { $0 == 10 }.count
            if newlines == 0 {
                bytes.append(UInt8(ascii: "="))
                bytes += field
                bytes.append(10)
                return
            }
            if newlines == 1, field.last == 10 {
                bytes.append(UInt8(ascii: "+"))
                bytes += field
                return
            }
        }
        bytes += Array("\(field.count)\n".utf8)
        bytes += field
    }

    /// Splits a complete response; nil when it is out of protocol or answers
    /// another request than the one with `token` (nil: any).
    public static func parseResponse(_ frame: [UInt8], token expected: String? = nil) -> AgentResponse? {
        guard let header = frame.firstIndex(of: 10) else { return nil }
        let words = frame[..<header].split(separator: 32).map { String(decoding: $0, as: UTF8.self) }
        guard words.count == 2, words[0] == "DRV\(version)" else { return nil }
        let token = words[1]
        if let expected, expected != token { return nil }
        let separator = Array("\n\(token)\n".utf8)
        let closing = Array("\n\(token) ".utf8)
        let start = header + 1
        guard let outEnd = find(separator, in: frame, from: start) else { return nil }
        let errStart = outEnd + separator.count
        guard let errEnd = find(separator, in: frame, from: errStart) else { return nil }
        let metaStart = errEnd + separator.count
        guard let metaEnd = find(closing, in: frame, from: metaStart), frame.last == 10 else { return nil }
        let status = String(decoding: frame[(metaEnd + closing.count)..<(frame.count - 1)], as: UTF8.self)
        guard let rc = Int32(status) else { return nil }
        return AgentResponse(
            rc: rc,
            stdout: Array(frame[start..<outEnd]),
            stderr: Array(frame[errStart..<errEnd]),
            metaText: String(decoding: frame[metaStart..<metaEnd], as: UTF8.self)
        )
    }

    /// The first index of `pattern` in `buffer` at or after `from`.
    static func find(_ pattern: [UInt8], in buffer: [UInt8], from: Int) -> Int? {
        guard let first = pattern.first, buffer.count - from >= pattern.count else { return nil }
        var index = from
        let last = buffer.count - pattern.count
        while index <= last {
            guard let hit = buffer[index...last].firstIndex(of: first) else { return nil }
            if buffer[hit..<(hit + pattern.count)].elementsEqual(pattern) { return hit }
            index = hit + 1
        }
        return nil
    }

    /// Finds the end of one response as it arrives, resuming where it left
    /// off: the header, two block separators, the closing line.
    public struct ResponseDetector: FrameDetector {
        private var separator: [UInt8] = []
        private var closing: [UInt8] = []
        private var found = 0
        private var cursor = 0

        public init() {}

        public mutating func frameLength(in buffer: [UInt8]) -> Int? {
            if separator.isEmpty {
                guard let header = buffer.firstIndex(of: 10) else { return nil }
                let words = buffer[..<header].split(separator: 32)
                // Out of protocol: end here, and parseResponse reports it.
                guard words.count == 2, words[0].elementsEqual("DRV\(AgentFrame.version)".utf8) else { return header + 1 }
                let token = Array(words[1])
                separator = [10] + token + [10]
                closing = [10] + token + [32]
                cursor = header + 1
            }
            while found < 2 {
                guard let hit = AgentFrame.find(separator, in: buffer, from: cursor) else {
                    cursor = max(cursor, buffer.count - separator.count + 1)
                    return nil
                }
                found += 1
                cursor = hit + separator.count
            }
            if found == 2 {
                guard let hit = AgentFrame.find(closing, in: buffer, from: cursor) else {
                    cursor = max(cursor, buffer.count - closing.count + 1)
                    return nil
                }
                found = 3
                cursor = hit + closing.count
            }
            guard let end = buffer[cursor...].firstIndex(of: 10) else {
                cursor = buffer.count
                return nil
            }
            return end + 1
        }
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
        for (key, value) in metaPairs where result[key] == nil { result[key] = value }
        return result
    }

    /// Every `key=value` line of the metadata block, in order.
    public var metaPairs: [(key: String, value: String)] {
        metaText.split(separator: "\n").compactMap { line -> (key: String, value: String)? in
            guard let eq = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<eq]), String(line[eq...].dropFirst()))
        }
    }
}

extension AgentFrame {
    /// One request as the agent reads it.
    public struct Request: Sendable, Equatable {
        public var operation: String
        public var fields: [[UInt8]]
        public var token: String
    }

    /// Splits bytes holding whole requests (in-memory agents, tests); stops
    /// at the first incomplete or malformed one.
    public static func parseRequests(_ bytes: [UInt8]) -> [Request] {
        var requests: [Request] = []
        var index = 0
        func line() -> [UInt8]? {
            guard let end = bytes[index...].firstIndex(of: 10) else { return nil }
            defer { index = end + 1 }
            return Array(bytes[index..<end])
        }
        while index < bytes.count, let header = line() {
            let words = header.split(separator: 32).map { String(decoding: $0, as: UTF8.self) }
            guard words.count == 4, words[0] == "DRV\(version)", let count = Int(words[2]) else { break }
            var fields: [[UInt8]] = []
            for _ in 0..<count {
                guard let first = line() else { return requests }
                switch first.first {
                case UInt8(ascii: "="): fields.append(Array(first.dropFirst()))
                case UInt8(ascii: "+"): fields.append(Array(first.dropFirst()) + [10])
                default:
                    guard let length = Int(String(decoding: first, as: UTF8.self)), index + length <= bytes.count else { return requests }
                    fields.append(Array(bytes[index..<(index + length)]))
                    index += length
                }
            }
            requests.append(Request(operation: words[1], fields: fields, token: words[3]))
        }
        return requests
    }
}
