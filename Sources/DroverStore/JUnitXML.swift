import Foundation

/// XML text for JUnit reports: escaping, and characters XML 1.0 cannot
/// carry at all (control characters, such as the ESC of terminal colours)
/// replaced by U+FFFD.
enum JUnitXML {
    /// An attribute value, quoted; newlines and tabs kept as references so
    /// that parsers do not fold them into spaces.
    static func attribute(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(allowed(scalar))
            }
        }
        return out + "\""
    }

    /// Element content.
    static func text(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(allowed(scalar))
            }
        }
        return out
    }

    /// `name="value"` pairs.
    static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
        pairs.map { " \($0.key)=\(attribute($0.value))" }.joined()
    }

    /// Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    static func allowed(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return scalar
        default: return "\u{FFFD}"
        }
    }

    /// Seconds as JUnit's `time` attribute wants them: `12.345`.
    static func seconds(_ interval: TimeInterval) -> String {
        String(format: "%.3f", max(0, interval))
    }

    /// `2026-11-02T10:04:05`, in UTC (JUnit's timestamp has no zone).
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date)
    }

    /// Output for `system-out`, cut to `limit` bytes (whole characters).
    static func output(_ bytes: [UInt8], limit: Int, note: String) -> String {
        if bytes.count <= limit { return String(decoding: bytes, as: UTF8.self) }
        var cut = String(decoding: bytes.prefix(limit), as: UTF8.self)
        if cut.hasSuffix("\u{FFFD}") { cut.removeLast() }
        return cut + "\n… \(bytes.count - limit) more bytes: \(note)\n"
    }
}
