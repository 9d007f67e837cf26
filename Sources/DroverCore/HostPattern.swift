/// Ansible host patterns: `all`, `*`, names, globs, unions (`a:b`, `a,b`),
/// intersections (`:&g`) and exclusions (`:!g`). Like Ansible, unions are
/// applied first, then intersections, then exclusions; hosts keep inventory order.
public enum HostPattern {
    public static func resolve(_ pattern: String, in inventory: Inventory) throws -> [String] {
        let terms = split(pattern)
        guard !terms.isEmpty else {
            throw InputError(.badPattern, "empty host pattern: give `all`, a group or a host name")
        }
        var included = Set<String>()
        var intersections: [Set<String>] = []
        var excluded = Set<String>()
        for term in terms {
            if term.hasPrefix("!") {
                excluded.formUnion(match(String(term.dropFirst()), in: inventory))
            } else if term.hasPrefix("&") {
                intersections.append(match(String(term.dropFirst()), in: inventory))
            } else {
                let found = match(term, in: inventory)
                if found.isEmpty {
                    throw InputError(.noHostsMatched, "pattern `\(term)` matches no host or group" + suggestion(term, in: inventory))
                }
                included.formUnion(found)
            }
        }
        for set in intersections { included.formIntersection(set) }
        included.subtract(excluded)
        return inventory.hosts.map(\.name).filter(included.contains)
    }

    /// Terms are separated by `,` when there is one, else by `:`.
    static func split(_ pattern: String) -> [String] {
        let separator: Character = pattern.contains(",") ? "," : ":"
        return pattern.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func match(_ term: String, in inventory: Inventory) -> Set<String> {
        if term == "all" || term == "*" { return Set(inventory.hosts.map(\.name)) }
        if inventory.groups[term] != nil { return Set(inventory.hosts(inGroup: term)) }
        if inventory.host(named: term) != nil { return [term] }
        guard term.contains(where: { "*?[".contains($0) }) else { return [] }
        var found = Set(inventory.hosts.map(\.name).filter { glob(term, matches: $0) })
        for name in inventory.groups.keys where glob(term, matches: name) {
            found.formUnion(inventory.hosts(inGroup: name))
        }
        return found
    }

    /// fnmatch-style `*`, `?` and `[set]` matching.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern), s = Array(name)
        func matchFrom(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == s.count }
            switch p[i] {
            case "*":
                for k in j...s.count where matchFrom(i + 1, k) { return true }
                return false
            case "?":
                return j < s.count && matchFrom(i + 1, j + 1)
            case "[":
                guard let close = p[(i + 1)...].firstIndex(of: "]"), j < s.count else {
                    return j < s.count && s[j] == "[" && matchFrom(i + 1, j + 1)
                }
                let set = p[(i + 1)..<close]
                let negate = set.first == "!"
                let members = negate ? set.dropFirst() : set[...]
                var hit = false
                var k = members.startIndex
                while k < members.endIndex {
                    if k + 2 < members.endIndex, members[k + 1] == "-" {
                        if members[k] <= s[j] && s[j] <= members[k + 2] { hit = true }
                        k += 3
                    } else {
                        if members[k] == s[j] { hit = true }
                        k += 1
                    }
                }
                return hit != negate && matchFrom(close + 1, j + 1)
            default:
                return j < s.count && p[i] == s[j] && matchFrom(i + 1, j + 1)
            }
        }
        return matchFrom(0, 0)
    }

    private static func suggestion(_ term: String, in inventory: Inventory) -> String {
        let names = Array(inventory.groups.keys) + inventory.hosts.map(\.name)
        let best = names.map { ($0, editDistance($0, term)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        if let best, best.1 <= max(2, term.count / 3) { return "; did you mean `\(best.0)`?" }
        return "; see the groups with `drover inventory -i INV --graph`"
    }
}

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
