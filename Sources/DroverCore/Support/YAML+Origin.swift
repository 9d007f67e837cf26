import Yams

extension YAML {
    /// A file's lines as Unicode scalars (the unit of YAML and template columns).
    static func lines(of text: String) -> [[Unicode.Scalar]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            Array((line.last == "\r" ? line.dropLast() : line).unicodeScalars)
        }
    }

    /// Where `node` and everything in it stands. Strings that need rendering
    /// get the position of each character (`everyString`: all strings, for
    /// bare expressions such as `when:`); without `lines`, only where they start.
    static func origin(of node: Node, file: String, lines: [[Unicode.Scalar]]?, everyString: Bool = false, depth: Int = 0) -> ValueOrigin {
        let location = location(of: node, in: file)
        guard depth < 512 else { return ValueOrigin(location: location) }
        switch node {
        case .scalar(let scalar):
            guard let lines, everyString || Template.containsTemplate(scalar.string) else { return ValueOrigin(location: location) }
            let characters = ScalarAlignment.positions(of: scalar.string, style: scalar.style, start: location, in: lines)
            return ValueOrigin(location: location, characters: characters)
        case .sequence(let sequence):
            return ValueOrigin(location: location, characters: nil,
                               items: sequence.map { origin(of: $0, file: file, lines: lines, everyString: everyString, depth: depth + 1) })
        case .mapping(let mapping):
            var fields: [String: ValueOrigin] = [:]
            for (key, value) in mapping {
                fields[key.scalar?.string ?? ""] = origin(of: value, file: file, lines: lines, everyString: everyString, depth: depth + 1)
            }
            return ValueOrigin(location: location, characters: nil, fields: fields)
        case .alias:
            return ValueOrigin(location: location)
        }
    }
}
