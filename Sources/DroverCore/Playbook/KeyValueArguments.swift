import Foundation

/// Ansible's `key=value` argument strings (`copy: src=a dest="b c"`):
/// words split on spaces outside quotes and outside `{{ }}`/`{% %}`.
enum KeyValueArguments {
    struct Parsed {
        var pairs: [(key: String, value: String)] = []
        /// Words that are not `key=value`, joined: a free-form command.
        var raw: String?
    }

    /// - Parameter rawKeys: when set (free-form modules), only these keys
    ///   are taken as arguments; other words stay in the command line.
    static func parse(_ text: String, rawKeys: Set<String>? = nil) -> Parsed {
        var parsed = Parsed()
        // The free-form text keeps its own spacing and line breaks (a
        // multi-line `shell: |` script), minus the key=value words taken out.
        var raw = ""
        var copiedUpTo = text.startIndex
        var hasRaw = false
        for (word, range) in words(text) {
            if let equals = word.firstIndex(of: "="), equals != word.startIndex {
                let key = String(word[..<equals])
                let isKey = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
                if isKey && (rawKeys == nil || rawKeys!.contains(key)) {
                    parsed.pairs.append((key, unquote(String(word[word.index(after: equals)...]))))
                    raw += text[copiedUpTo..<range.lowerBound]
                    copiedUpTo = range.upperBound
                    continue
                }
            }
            hasRaw = true
        }
        raw += text[copiedUpTo...]
        if hasRaw { parsed.raw = raw.trimmingCharacters(in: .whitespacesAndNewlines) }
        return parsed
    }

    /// Splits on whitespace outside quotes and template braces, keeping quotes.
    static func split(_ text: String) -> [String] {
        words(text).map(\.0)
    }

    /// The words with where each sits in `text`.
    static func words(_ text: String) -> [(String, Range<String.Index>)] {
        var words: [(String, Range<String.Index>)] = []
        var current = ""
        var start = text.startIndex
        var quote: Character?
        var braces = 0
        var previous: Character = " "
        for index in text.indices {
            let character = text[index]
            if current.isEmpty { start = index }
            if let q = quote {
                current.append(character)
                if character == q && previous != "\\" { quote = nil }
            } else if braces > 0 {
                current.append(character)
                if character == "}" && (previous == "}" || previous == "%") { braces -= 1 }
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if (character == "{" || character == "%") && previous == "{" {
                braces += 1
                current.append(character)
            } else if character == " " || character == "\t" || character == "\n" {
                if !current.isEmpty { words.append((current, start..<index)); current = "" }
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.isEmpty { words.append((current, start..<text.endIndex)) }
        return words
    }

    static func unquote(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == text.last, first == "'" || first == "\"" else { return text }
        return String(text.dropFirst().dropLast())
    }
}
