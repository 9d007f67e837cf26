/// Quotes a word for a POSIX shell: plain words stay as they are, others
/// become 'it'"'"'s' style, safe for any bytes but NUL.
public func shellQuote(_ word: String) -> String {
    if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
}
