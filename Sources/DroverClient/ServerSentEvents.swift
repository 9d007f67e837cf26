/// One frame of a `text/event-stream`.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `id:` field: what to send back as `Last-Event-ID` to resume after it.
    public var id: String?
    /// The `event:` field (`message` when absent).
    public var name: String
    /// The `data:` lines, joined by newlines.
    public var data: String

    public init(id: String? = nil, name: String = "message", data: String) {
        self.id = id
        self.name = name
        self.data = data
    }
}

/// Reads a `text/event-stream` as it arrives, in chunks cut anywhere (in
/// a line, in a UTF-8 character), as the WHATWG spec says: lines end with
/// LF, CRLF or CR; a blank line ends an event; `:` starts a comment; one
/// space after the field's colon is dropped; an event without data is
/// not dispatched.
public struct ServerSentEventParser: Sendable {
    private var pending: [UInt8] = []
    private var id: String?
    private var name: String?
    private var data: [String] = []
    /// The stream's first bytes may be a byte order mark, which is skipped.
    private var started = false
    /// A CR ended the last line: a LF right after it belongs to it.
    private var afterCR = false

    public init() {}

    /// The events `bytes` completes.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A, 0x0D:
                afterCR = byte == 0x0D
                if let event = line(pending) { events.append(event) }
                pending.removeAll(keepingCapacity: true)
            default:
                pending.append(byte)
            }
        }
        return events
    }

    private mutating func line(_ bytes: [UInt8]) -> ServerSentEvent? {
        var text = String(decoding: bytes, as: UTF8.self)
        if !started {
            started = true
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        }
        if text.isEmpty {
            defer { data = []; name = nil }
            guard !data.isEmpty else { return nil }
            return ServerSentEvent(id: id, name: name ?? "message", data: data.joined(separator: "\n"))
        }
        if text.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var rest = text[text.index(after: colon)...]
            if rest.hasPrefix(" ") { rest = rest.dropFirst() }
            value = rest
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data": data.append(String(value))
        case "event": name = String(value)
        case "id" where !value.contains("\0"): id = String(value)
        default: break  // retry and unknown fields: nothing to do here
        }
        return nil
    }
}
