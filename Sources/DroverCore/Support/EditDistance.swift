/// Edit distance counting a swap of neighbours as one edit (typos like
/// `wbe` for `web`), for "did you mean" hints.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

/// The candidate a typo most likely meant, or nil when none is close:
/// fewest edits, then most letters in common order (`taks` → `tasks`, not `tags`).
public func closestMatch(_ word: String, among candidates: some Sequence<String>) -> String? {
    let scored = candidates.map { ($0, editDistance($0, word), -commonSubsequence($0, word)) }
    guard let best = scored.min(by: { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }),
          best.1 <= max(2, word.count / 3) else { return nil }
    return best.0
}

/// Length of the longest common subsequence of two words.
func commonSubsequence(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(repeating: 0, count: b.count + 1)
    for i in 0..<a.count {
        var current = Array(repeating: 0, count: b.count + 1)
        for j in 0..<b.count {
            current[j + 1] = a[i] == b[j] ? previous[j] + 1 : max(previous[j + 1], current[j])
        }
        previous = current
    }
    return previous[b.count]
}
