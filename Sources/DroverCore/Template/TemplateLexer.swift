/// Splits template source into tokens: text, `{{ }}` and `{% %}` tags
/// (with their expression tokens), dropping `{# #}` comments and
/// expanding `{% raw %}` blocks. Applies Ansible's template defaults:
/// trim_blocks on, lstrip_blocks off, trailing newline kept, and the
/// `-`/`+` whitespace-control markers.
struct TemplateLexer {
    let bytes: [UInt8]
    let map: SourceMap
    var pos = 0
    var tokens: [TemplateToken] = []
    /// Line bookkeeping: positions (almost) only move forward, so finding
    /// the line and column of an offset costs the distance moved.
    private var trackedOffset = 0
    private var trackedLine = 1
    private var trackedColumn = 1

    init(source: String, map: SourceMap) {
        var normalized = source
        if normalized.utf8.contains(13) {
            normalized = normalized.replacingCRLF()
        }
        self.bytes = Array(normalized.utf8)
        self.map = map
    }

    static func tokenize(_ source: String, map: SourceMap) throws(TemplateError) -> [TemplateToken] {
        var lexer = TemplateLexer(source: source, map: map)
        try lexer.run()
        return lexer.tokens
    }

    /// Line and column (in characters) of a byte offset.
    mutating func position(of offset: Int) -> (line: Int, column: Int) {
        if offset < trackedOffset {
            trackedOffset = 0
            trackedLine = 1
            trackedColumn = 1
        }
        var i = trackedOffset
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 10 {
                trackedLine += 1
                trackedColumn = 1
            } else if b & 0xC0 != 0x80 {
                trackedColumn += 1
            }
            i += 1
        }
        trackedOffset = offset
        return (trackedLine, trackedColumn)
    }

    mutating func error(_ message: String, at offset: Int) -> TemplateError {
        let p = position(of: offset)
        return TemplateError(.syntax, message, at: map.location(line: p.line, column: p.column))
    }

    mutating func emit(_ kind: TemplateToken.Kind, at offset: Int) {
        let p = position(of: offset)
        tokens.append(TemplateToken(kind: kind, line: p.line, column: p.column))
    }

    func starts(with text: StaticString, at offset: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        let p = text.utf8Start
        for k in 0..<count where bytes[offset + k] != p[k] { return false }
        return true
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    /// Text from `start` to `end`, with whitespace trimmed at either end if asked.
    func text(from start: Int, to end: Int, stripLeading: Bool, stripTrailing: Bool) -> String {
        var s = start, e = end
        if stripLeading { while s < e && Self.isSpace(bytes[s]) { s += 1 } }
        if stripTrailing { while e > s && Self.isSpace(bytes[e - 1]) { e -= 1 } }
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    /// The next tag opener at or after `from`: `{{`, `{%` or `{#`.
    func nextOpener(from: Int) -> Int? {
        var i = from
        while i + 1 < bytes.count {
            if bytes[i] == 123 {  // {
                let n = bytes[i + 1]
                if n == 123 || n == 37 || n == 35 { return i }
            }
            i += 1
        }
        return nil
    }

    /// After a block or comment end: drop one newline (trim_blocks) unless
    /// `+` disabled it; `-` strips all following whitespace instead.
    mutating func afterBlockEnd(_ end: Int, marker: UInt8?) -> (Int, Bool) {
        if marker == 45 { return (end, true) }  // '-': strip leading of next text
        if marker != 43, end < bytes.count, bytes[end] == 10 { return (end + 1, false) }
        return (end, false)
    }

    mutating func run() throws(TemplateError) {
        var stripNext = false
        while pos < bytes.count {
            let opener = nextOpener(from: pos)
            let dataEnd = opener ?? bytes.count
            let openMarker: UInt8? = (opener.map { $0 + 2 < bytes.count ? bytes[$0 + 2] : 0 })
            let stripBefore = openMarker == 45
            let data = text(from: pos, to: dataEnd, stripLeading: stripNext, stripTrailing: stripBefore)
            if !data.isEmpty { emit(.data(data), at: pos) }
            stripNext = false
            guard let start = opener else { pos = bytes.count; break }
            let kind = bytes[start + 1]
            var inner = start + 2
            if openMarker == 45 || openMarker == 43 { inner += 1 }
            switch kind {
            case 35:  // {# comment #}
                guard let close = find("#}", from: inner) else {
                    throw error("unclosed comment '{#': add '#}' to end it", at: start)
                }
                let marker: UInt8? = close > inner ? bytes[close - 1] : nil
                (pos, stripNext) = afterBlockEnd(close + 2, marker: marker)
            case 123:  // {{ expression }}
                emit(.variableBegin, at: start)
                pos = inner
                let marker = try lexTag(isBlock: false, openedAt: start)
                stripNext = marker == 45
            default:  // {% statement %}
                if let raw = try lexRaw(start: start, inner: inner) {
                    (pos, stripNext) = raw
                } else {
                    emit(.blockBegin, at: start)
                    pos = inner
                    let marker = try lexTag(isBlock: true, openedAt: start)
                    (pos, stripNext) = afterBlockEnd(pos, marker: marker)
                }
            }
        }
        emit(.eof, at: bytes.count)
    }

    func find(_ needle: StaticString, from: Int) -> Int? {
        var i = from
        while i < bytes.count {
            if starts(with: needle, at: i) { return i }
            i += 1
        }
        return nil
    }

    /// Skips spaces, then `word`, then spaces; returns the offset after, or nil.
    func match(word: StaticString, at offset: Int) -> Int? {
        var i = offset
        while i < bytes.count && Self.isSpace(bytes[i]) { i += 1 }
        guard starts(with: word, at: i) else { return nil }
        i += word.utf8CodeUnitCount
        if i < bytes.count, Self.isNameByte(bytes[i]) { return nil }
        while i < bytes.count && Self.isSpace(bytes[i]) { i += 1 }
        return i
    }

    /// The end of a block tag at `offset` (`%}`, `-%}`, `+%}`): (offset after, marker).
    func blockClose(at offset: Int) -> (Int, UInt8?)? {
        if starts(with: "%}", at: offset) { return (offset + 2, nil) }
        if offset < bytes.count, bytes[offset] == 45 || bytes[offset] == 43,
           starts(with: "%}", at: offset + 1) {
            return (offset + 3, bytes[offset])
        }
        return nil
    }

    /// `{% raw %}…{% endraw %}`: emits the text verbatim. Returns nil when
    /// the tag at `start` is not `raw`.
    mutating func lexRaw(start: Int, inner: Int) throws(TemplateError) -> (Int, Bool)? {
        guard let afterWord = match(word: "raw", at: inner),
              let (contentStart0, marker) = blockClose(at: afterWord) else { return nil }
        // Unlike other block tags, trim_blocks does not eat the newline after `{% raw %}`.
        let contentStart = contentStart0
        let stripLeading = marker == 45
        var search = contentStart
        while let tag = find("{%", from: search) {
            var i = tag + 2
            let endMarker: UInt8? = i < bytes.count && (bytes[i] == 45 || bytes[i] == 43) ? bytes[i] : nil
            if endMarker != nil { i += 1 }
            if let afterEnd = match(word: "endraw", at: i), let (closeEnd, closeMarker) = blockClose(at: afterEnd) {
                let content = text(from: contentStart, to: tag, stripLeading: stripLeading,
                                   stripTrailing: endMarker == 45)
                if !content.isEmpty { emit(.data(content), at: contentStart) }
                return afterBlockEnd(closeEnd, marker: closeMarker)
            }
            search = tag + 2
        }
        throw error("'{% raw %}' is never closed: add '{% endraw %}'", at: start)
    }
}

extension String {
    /// Jinja2 normalises line endings to "\n".
    func replacingCRLF() -> String {
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(scalar)
        }
        return String(out)
    }
}
