/// Keyset cursors: the id (or, for lists by name, the name) the next page
/// starts after, so a page costs the same however deep (no OFFSET). Opaque
/// to clients, but plain and versioned (`v1.123`, `n1.web7`), so that the
/// OpenAPI document's pattern says exactly which ones the server takes: a
/// cursor not of this form is 400, one of this form is just a position.
enum Cursor {
    static let idPattern = #"^v1\.[1-9][0-9]{0,17}$"#
    static let namePattern = #"^n1\.[^/\\\x00-\x1F\x7F\uFFFD]+$"#

    static func encode(_ id: Int64) -> String { "v1.\(id)" }
    static func encode(name: String) -> String { "n1.\(name)" }

    static func decode(_ text: String) -> Int64? {
        guard let digits = payload(text, prefix: "v1."), (1...18).contains(digits.utf8.count), !digits.hasPrefix("0"),
              digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int64(digits)
    }

    static func decodeName(_ text: String) -> String? {
        guard let name = payload(text, prefix: "n1.") else { return nil }
        return (try? PathParameter.checkName(name, parameter: "cursor")) != nil ? name : nil
    }

    /// What follows the prefix, compared by bytes: as characters, `n1.`
    /// followed by a combining mark would not start with `n1.` at all.
    private static func payload(_ text: String, prefix: String) -> String? {
        guard text.utf8.starts(with: prefix.utf8) else { return nil }
        return String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }
}
