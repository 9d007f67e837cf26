/// Splits a line the way Python's `shlex.split` does (what Ansible uses for
/// INI host lines and ssh argument strings): whitespace separates words,
/// quotes group them, backslash escapes outside single quotes.
public enum ShellWords {
    public struct Word: Sendable, Equatable {
        public var text: String
        /// 1-based column of the word's first character.
        public var column: Int
    }

    public enum SplitError: Error, Equatable {
        case unterminatedQuote(column: Int)
    }

    /// - Parameter comments: `#` outside quotes ends the line (shlex's `comments=True`).
    public static func split(_ line: String, comments: Bool = false) throws(SplitError) -> [Word] {
        var words: [Word] = []
        var current = ""
        var start: Int?
        var quote: Character?
        var quoteColumn = 0
        var escaped = false
        for (offset, character) in line.enumerated() {
            let column = offset + 1
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let q = quote {
                if character == q {
                    quote = nil
                } else if character == "\\" && q == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            if comments && character == "#" { break }
            switch character {
            case " ", "\t":
                if let s = start {
                    words.append(Word(text: current, column: s))
                    current = ""
                    start = nil
                }
            case "'", "\"":
                quote = character
                quoteColumn = column
                if start == nil { start = column }
            case "\\":
                escaped = true
                if start == nil { start = column }
            default:
                current.append(character)
                if start == nil { start = column }
            }
        }
        if quote != nil { throw .unterminatedQuote(column: quoteColumn) }
        if let s = start { words.append(Word(text: current, column: s)) }
        return words
    }
}
