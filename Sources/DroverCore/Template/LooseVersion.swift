/// Version comparison for Ansible's `version` test: "loose" (the default,
/// like distutils' LooseVersion) and "strict" (N.N[.N][{a|b}N]).
enum LooseVersion {
    enum Component: Equatable {
        case number(Int)
        case text(String)
    }

    struct Incomparable: Error {
        var message: String
    }

    /// Splits into runs of digits and of lowercase letters; anything else
    /// (other than dots) forms its own text components.
    static func components(_ s: String) -> [Component] {
        var out: [Component] = []
        var current = ""
        var kind = 0  // 1 digits, 2 letters, 3 other
        func flush() {
            if !current.isEmpty && current != "." {
                out.append(kind == 1 ? (Int(current).map { .number($0) } ?? .text(current)) : .text(current))
            }
            current = ""
        }
        for c in s {
            let k: Int
            if c.isASCII && c.isNumber { k = 1 } else if c >= "a" && c <= "z" { k = 2 } else if c == "." { k = 0 } else { k = 3 }
            if k == 0 {
                flush()
                kind = 0
                continue
            }
            if k != kind {
                flush()
                kind = k
            }
            current.append(c)
        }
        flush()
        return out
    }

    static func compareLoose(_ a: String, _ b: String) throws(Incomparable) -> Int {
        let x = components(a), y = components(b)
        for (p, q) in zip(x, y) {
            switch (p, q) {
            case (.number(let m), .number(let n)): if m != n { return m < n ? -1 : 1 }
            case (.text(let m), .text(let n)):
                if m != n { return m.unicodeScalars.lexicographicallyPrecedes(n.unicodeScalars) ? -1 : 1 }
            default:
                throw Incomparable(message: "'<' not supported between instances of 'int' and 'str' (comparing \(a) with \(b))")
            }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    /// (major, minor, patch, prerelease letter, prerelease number), or nil.
    static func strictParts(_ s: String) -> (Int, Int, Int, Character?, Int)? {
        var rest = Substring(s)
        func number() -> Int? {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            rest = rest.dropFirst(digits.count)
            return Int(digits)
        }
        guard let major = number(), rest.first == "." else { return nil }
        rest = rest.dropFirst()
        guard let minor = number() else { return nil }
        var patch = 0
        if rest.first == "." {
            rest = rest.dropFirst()
            guard let p = number() else { return nil }
            patch = p
        }
        var pre: Character?
        var preNumber = 0
        if let f = rest.first, f == "a" || f == "b" {
            rest = rest.dropFirst()
            pre = f
            guard let n = number() else { return nil }
            preNumber = n
        }
        guard rest.isEmpty else { return nil }
        return (major, minor, patch, pre, preNumber)
    }

    static func compareStrict(_ a: String, _ b: String) throws(Incomparable) -> Int {
        guard let x = strictParts(a) else { throw Incomparable(message: "invalid version number '\(a)'") }
        guard let y = strictParts(b) else { throw Incomparable(message: "invalid version number '\(b)'") }
        for (m, n) in [(x.0, y.0), (x.1, y.1), (x.2, y.2)] where m != n { return m < n ? -1 : 1 }
        switch (x.3, y.3) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (let p?, let q?):
            if p != q { return p < q ? -1 : 1 }
            return x.4 == y.4 ? 0 : (x.4 < y.4 ? -1 : 1)
        }
    }
}
