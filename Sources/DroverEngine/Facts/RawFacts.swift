import OrderedCollections

/// The agent's facts lines, grouped: `file=PATH:LINE` by path, `exists=PATH`
/// as a set, every other key as its values in order.
struct RawFacts {
    private var values: [String: [String]] = [:]
    private var files: OrderedDictionary<String, [String]> = [:]
    private var existing: Set<String> = []

    init(_ text: String) {
        for scalars in text.unicodeScalars.split(separator: "\n") {
            let line = String(String.UnicodeScalarView(scalars))
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq])
            let value = String(line[line.index(after: eq)...])
            switch key {
            case "file":
                guard let colon = value.firstIndex(of: ":") else { continue }
                files[String(value[..<colon]), default: []].append(String(value[value.index(after: colon)...]))
            case "exists": existing.insert(value)
            default: values[key, default: []].append(value)
            }
        }
    }

    func first(_ key: String) -> String? { values[key]?.first }
    func all(_ key: String) -> [String] { values[key] ?? [] }
    func file(_ path: String) -> [String]? { files[path] }
    func exists(_ path: String) -> Bool { existing.contains(path) || files[path] != nil }
    func has(_ command: String) -> Bool { all("has").contains(command) }
    /// The paths of the files sent, in the agent's order.
    var filePaths: [String] { Array(files.keys) }

    /// `link=PATH:TARGET` (readlink).
    func link(_ path: String) -> String? { pathValue("link", path) }
    /// `realpath=PATH:TARGET` (readlink -f).
    func realpath(_ path: String) -> String? { pathValue("realpath", path) }

    private func pathValue(_ key: String, _ path: String) -> String? {
        all(key).first { $0.hasPrefix(path + ":") }.map { String($0.dropFirst(path.count + 1)) }
    }
}
