import DroverCore

/// Turns live output chunks into display lines per host and stream. A
/// chunk's text shows at once; the line it ends is not repeated when its
/// newline comes in a later chunk (the agent's framing may hold a final
/// newline back until the command ends or writes more).
struct LiveLines {
    private struct Key: Hashable { var host: String; var stream: OutputChunk.Stream }
    /// Streams whose last shown line still waits for its newline.
    private var open: Set<Key> = []

    /// The lines to print for this chunk.
    mutating func add(_ chunk: OutputChunk) -> [String] {
        let key = Key(host: chunk.host, stream: chunk.stream)
        var bytes = chunk.bytes[...]
        if open.remove(key) != nil, bytes.first == 10 { bytes = bytes.dropFirst() }
        guard !bytes.isEmpty else { return [] }
        if bytes.last != 10 { open.insert(key) } else { bytes = bytes.dropLast() }
        return bytes.split(separator: 10, omittingEmptySubsequences: false).map { Self.format(key, $0) }
    }

    /// A host's task reported: nothing of it is pending any more.
    mutating func end(host: String) -> [String] {
        open = open.filter { $0.host != host }
        return []
    }

    private static func format(_ key: Key, _ bytes: ArraySlice<UInt8>) -> String {
        "[\(key.host)]\(key.stream == .stderr ? " stderr" : "") | \(String(decoding: bytes, as: UTF8.self))"
    }
}
