import Foundation

/// Ansible host patterns: `all`, `*`, names, globs, `~regex`, subscripts
/// (`web[0]`, `web[-1]`, `web[1:3]` inclusive, `web[2:]`), unions (`a:b`,
/// `a,b`), intersections (`:&g`) and exclusions (`:!g`). As in Ansible,
/// unions apply first, then intersections, then exclusions; hosts come in
/// the order the terms matched them.
public enum HostPattern {
    public static func resolve(_ pattern: String, in inventory: Inventory) throws -> [String] {
        let terms = split(pattern)
        guard !terms.isEmpty else {
            throw InputError(.badPattern, "empty host pattern: give `all`, a group or a host name")
        }
        var included: [String] = []
        var seen = Set<String>()
        var intersections: [Set<String>] = []
        var excluded = Set<String>()
        for term in terms {
            if term.hasPrefix("!") {
                excluded.formUnion(try match(String(term.dropFirst()), in: inventory))
            } else if term.hasPrefix("&") {
                intersections.append(Set(try match(String(term.dropFirst()), in: inventory)))
            } else {
                let found = try match(term, in: inventory)
                if found.isEmpty && !isSubscripted(term) {
                    throw InputError(.noHostsMatched, "pattern `\(term)` matches no host or group" + suggestion(term, in: inventory))
                }
                for name in found where seen.insert(name).inserted { included.append(name) }
            }
        }
        return included.filter { name in
            intersections.allSatisfy { $0.contains(name) } && !excluded.contains(name)
        }
    }

    /// Terms are separated by `,` when there is one, else by `:` outside
    /// brackets and outside `~regex` terms.
    static func split(_ pattern: String) -> [String] {
        if pattern.contains(",") {
            return pattern.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in pattern {
            switch character {
            case "[": depth += 1
            case "]": depth -= 1
            default: break
            }
            let isRegex = current.hasPrefix("~") || current.hasPrefix("!~") || current.hasPrefix("&~")
            if character == ":" && depth == 0 && !isRegex {
                terms.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        terms.append(current)
        return terms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func isSubscripted(_ term: String) -> Bool { subscriptParts(term) != nil }

    /// `name[3]`, `name[-1]`, `name[1:4]`, `name[2:]` (and the old `name[1-4]`).
    static func subscriptParts(_ term: String) -> (base: String, start: Int, end: Int?)? {
        guard term.hasSuffix("]"), !term.hasPrefix("~"), let open = term.lastIndex(of: "["), open > term.startIndex else { return nil }
        let base = String(term[..<open])
        let inside = term[term.index(after: open)..<term.index(before: term.endIndex)]
        if let index = Int(inside) { return (base, index, nil) }
        guard let separator = inside.firstIndex(where: { $0 == ":" || $0 == "-" }),
              let start = Int(inside[..<separator]), start >= 0 else { return nil }
        let endText = inside[inside.index(after: separator)...]
        if endText.isEmpty { return (base, start, -1) }
        guard let end = Int(endText), end >= 0 else { return nil }
        return (base, start, end)
    }

    static func match(_ term: String, in inventory: Inventory) throws -> [String] {
        if let (base, start, end) = subscriptParts(term) {
            let hosts = try match(base, in: inventory)
            guard let end else {
                let index = start < 0 ? hosts.count + start : start
                return hosts.indices.contains(index) ? [hosts[index]] : []
            }
            let last = end == -1 ? hosts.count - 1 : min(end, hosts.count - 1)
            return start <= last ? Array(hosts[start...last]) : []
        }
        if term == "all" || term == "*" { return inventory.hosts(inGroup: "all") }
        var found: [String] = []
        var seen = Set<String>()
        for group in inventory.groups.keys where try matches(term, group) {
            for host in inventory.hosts(inGroup: group) where seen.insert(host).inserted { found.append(host) }
        }
        for host in inventory.hosts.map(\.name) where try matches(term, host) && seen.insert(host).inserted {
            found.append(host)
        }
        return found
    }

    /// Exact name, `~regex` (anchored at the start, like Python's re.match),
    /// or fnmatch glob.
    static func matches(_ term: String, _ name: String) throws -> Bool {
        if term.hasPrefix("~") {
            let source = String(term.dropFirst())
            guard let regex = try? NSRegularExpression(pattern: source) else {
                throw InputError(.badPattern, "`\(source)` in host pattern `\(term)` is not a valid regular expression")
            }
            let range = NSRange(name.startIndex..., in: name)
            return regex.firstMatch(in: name, options: [.anchored], range: range) != nil
        }
        if term.contains(where: { "*?[".contains($0) }) { return FnMatch.matches(name, term) }
        return term == name
    }

    private static func suggestion(_ term: String, in inventory: Inventory) -> String {
        let names = Array(inventory.groups.keys) + inventory.hosts.map(\.name)
        if let best = closestMatch(term, among: names) { return "; did you mean `\(best)`?" }
        return "; see the groups with `drover inventory -i INV --graph`"
    }
}
