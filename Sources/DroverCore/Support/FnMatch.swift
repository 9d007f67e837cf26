/// Python's `fnmatch.fnmatch` on POSIX (case-sensitive; `*` also matches `/`).
public enum FnMatch {
    public static func matches(_ name: String, _ pattern: String) -> Bool {
        let p = Array(pattern), s = Array(name)
        var memo = [Int: Bool]()
        func from(_ i: Int, _ j: Int) -> Bool {
            let key = i &* (s.count + 1) &+ j
            if let known = memo[key] { return known }
            let result: Bool
            if i == p.count {
                result = j == s.count
            } else {
                switch p[i] {
                case "*":
                    var k = i
                    while k < p.count, p[k] == "*" { k += 1 }
                    result = (j...s.count).contains { from(k, $0) }
                case "?":
                    result = j < s.count && from(i + 1, j + 1)
                case "[":
                    if let (set, next) = bracket(p, i), j < s.count {
                        result = set(s[j]) && from(next, j + 1)
                    } else {
                        result = j < s.count && s[j] == "[" && from(i + 1, j + 1)
                    }
                default:
                    result = j < s.count && p[i] == s[j] && from(i + 1, j + 1)
                }
            }
            memo[key] = result
            return result
        }
        return from(0, 0)
    }

    /// A `[…]` set starting at `i`: its membership test and the index after `]`.
    private static func bracket(_ p: [Character], _ i: Int) -> ((Character) -> Bool, Int)? {
        var j = i + 1
        var negate = false
        if j < p.count, p[j] == "!" { negate = true; j += 1 }
        let start = j
        if j < p.count, p[j] == "]" { j += 1 }  // a leading ']' is literal
        while j < p.count, p[j] != "]" { j += 1 }
        guard j < p.count else { return nil }
        let members = Array(p[start..<j])
        let test: (Character) -> Bool = { c in
            var hit = false
            var k = 0
            while k < members.count {
                if k + 2 < members.count, members[k + 1] == "-" {
                    if members[k] <= c && c <= members[k + 2] { hit = true }
                    k += 3
                } else {
                    if members[k] == c { hit = true }
                    k += 1
                }
            }
            return hit != negate
        }
        return (test, j + 1)
    }
}
