/// Expands Ansible host ranges: `web[01:20].example.com` (zero padding kept),
/// `db-[a:f]`, strides `[1:10:2]`, and several ranges in one name.
public enum HostRange {
    public enum ExpansionError: Error, Equatable {
        case malformed(String)
    }

    public static func expand(_ pattern: String) throws(ExpansionError) -> [String] {
        guard let open = pattern.firstIndex(of: "["),
              let close = pattern[open...].firstIndex(of: "]") else {
            if pattern.contains("]") { throw .malformed("`]` without `[` in host range `\(pattern)`") }
            return [pattern]
        }
        let head = String(pattern[..<open])
        let tail = String(pattern[pattern.index(after: close)...])
        let body = pattern[pattern.index(after: open)..<close]
        let parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty || !parts[1].isEmpty else {
            throw .malformed("host range `[\(body)]` must look like [01:20], [a:f] or [1:20:2]")
        }
        var stride = 1
        if parts.count == 3 {
            guard let s = Int(parts[2]), s > 0 else {
                throw .malformed("the step in host range `[\(body)]` must be a positive number")
            }
            stride = s
        }
        let begin = parts[0].isEmpty ? "0" : parts[0]
        let end = parts[1]
        var items: [String] = []
        if let b = Int(begin), let e = Int(end) {
            guard b <= e else { throw .malformed("host range `[\(body)]` counts down; write it as [\(end):\(begin)]") }
            let width = begin.count
            for n in Swift.stride(from: b, through: e, by: stride) {
                let digits = String(n)
                let padded = begin.hasPrefix("0") && digits.count < width
                    ? String(repeating: "0", count: width - digits.count) + digits : digits
                items.append(padded)
            }
        } else if begin.count == 1, end.count == 1,
                  let b = begin.unicodeScalars.first, let e = end.unicodeScalars.first,
                  b.properties.isAlphabetic, e.properties.isAlphabetic {
            guard b.value <= e.value else { throw .malformed("host range `[\(body)]` counts down") }
            for v in Swift.stride(from: b.value, through: e.value, by: stride) {
                items.append(String(Character(Unicode.Scalar(v)!)))
            }
        } else {
            throw .malformed("host range `[\(body)]` must be two numbers or two single letters")
        }
        var result: [String] = []
        for item in items {
            for rest in try expand(tail) { result.append(head + item + rest) }
        }
        return result
    }
}
