import DroverCore

/// Cuts live output chunks into whole lines per host and stream, so that
/// lines of several hosts never interleave mid-line on the terminal.
struct LiveLines {
    private struct Key: Hashable { var host: String; var stream: OutputChunk.Stream }
    private var partial: [Key: [UInt8]] = [:]

    /// The complete lines this chunk finishes, ready to print.
    mutating func add(_ chunk: OutputChunk) -> [String] {
        let key = Key(host: chunk.host, stream: chunk.stream)
        var bytes = partial[key, default: []] + chunk.bytes
        var lines: [String] = []
        while let newline = bytes.firstIndex(of: 10) {
            lines.append(Self.format(key, bytes[..<newline]))
            bytes.removeSubrange(...newline)
        }
        partial[key] = bytes
        return lines
    }

    /// What is left of a host's output once its task reported.
    mutating func end(host: String) -> [String] {
        var lines: [String] = []
        for stream in [OutputChunk.Stream.stdout, .stderr] {
            let key = Key(host: host, stream: stream)
            if let rest = partial.removeValue(forKey: key), !rest.isEmpty { lines.append(Self.format(key, rest[...])) }
        }
        return lines
    }

    private static func format(_ key: Key, _ bytes: ArraySlice<UInt8>) -> String {
        "[\(key.host)]\(key.stream == .stderr ? " stderr" : "") | \(String(decoding: bytes, as: UTF8.self))"
    }
}
