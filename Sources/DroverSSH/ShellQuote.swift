/// Quotes a word for a POSIX shell: 'it'"'"'s' style, safe for any bytes but NUL.
func shellQuote(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
}
