/// Debian version ordering (dpkg --compare-versions), for `name>=version`.
enum DebianVersion {
    static func compare(_ a: String, _ b: String) -> Int {
        let (ea, ua, ra) = parts(a), (eb, ub, rb) = parts(b)
        if ea != eb { return ea < eb ? -1 : 1 }
        let u = verrevcmp(ua, ub)
        if u != 0 { return u }
        return verrevcmp(ra, rb)
    }

    static func parts(_ v: String) -> (Int, String, String) {
        var rest = Substring(v.trimmingCharacters(in: .whitespaces))
        var epoch = 0
        if let colon = rest.firstIndex(of: ":"), let e = Int(rest[..<colon]) {
            epoch = e
            rest = rest[rest.index(after: colon)...]
        }
        if let dash = rest.lastIndex(of: "-") {
            return (epoch, String(rest[..<dash]), String(rest[rest.index(after: dash)...]))
        }
        return (epoch, String(rest), "")
    }

    private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if c >= 48 && c <= 57 { return 0 }
        if (c >= 65 && c <= 90) || (c >= 97 && c <= 122) { return Int(c) }
        if c == 126 { return -1 }
        return Int(c) + 256
    }

    static func verrevcmp(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while i < x.count || j < y.count {
            var firstDiff = 0
            while (i < x.count && !isDigit(x[i])) || (j < y.count && !isDigit(y[j])) {
                let ac = order(i < x.count ? x[i] : nil), bc = order(j < y.count ? y[j] : nil)
                if ac != bc { return ac < bc ? -1 : 1 }
                i += 1; j += 1
            }
            while i < x.count && x[i] == 48 { i += 1 }
            while j < y.count && y[j] == 48 { j += 1 }
            while i < x.count && isDigit(x[i]) && j < y.count && isDigit(y[j]) {
                if firstDiff == 0 { firstDiff = Int(x[i]) - Int(y[j]) }
                i += 1; j += 1
            }
            if i < x.count && isDigit(x[i]) { return 1 }
            if j < y.count && isDigit(y[j]) { return -1 }
            if firstDiff != 0 { return firstDiff < 0 ? -1 : 1 }
        }
        return 0
    }
}
