/// Reads Ansible's INI inventory format: `[group]` host lines with
/// `key=value` vars, `[group:vars]` and `[group:children]` sections.
/// Values are Python literals where they parse as one (`1`, `True`,
/// `"text"`, `[1, 2]`), else text — as in Ansible.
public struct INIInventoryParser {
    public let path: String

    public init(path: String) { self.path = path }

    private enum Section {
        case hosts(String)
        case vars(String)
        case children(String)
    }

    /// A group used before it was declared, to report if it never is.
    private struct Pending {
        var location: SourceLocation
        var isVars: Bool
        var parents: [String]
    }

    public func parse(_ text: String, into inventory: inout Inventory) throws {
        var section = Section.hosts("ungrouped")
        var pending: [String: Pending] = [:]
        var declared = Set(inventory.groups.keys)
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let here = SourceLocation(file: path, line: index + 1, column: indent + 1)
            if trimmed.hasPrefix("[") {
                section = try parseHeader(trimmed, at: here)
                switch section {
                case .hosts(let g), .children(let g):
                    declared.insert(g)
                    inventory.ensureGroup(g)
                    if let waiting = pending.removeValue(forKey: g) {
                        for parent in waiting.parents { inventory.addChild(g, to: parent) }
                    }
                case .vars(let g):
                    if !declared.contains(g) && pending[g] == nil {
                        pending[g] = Pending(location: here, isVars: true, parents: [])
                    }
                }
                continue
            }
            switch section {
            case .hosts(let group):
                let (names, vars) = try parseHostLine(trimmed, indent: indent, line: index + 1)
                for name in names { inventory.addHost(name, vars: vars, to: group) }
            case .vars(let group):
                guard let equals = trimmed.firstIndex(of: "=") else {
                    throw InputError(.inventorySyntax,
                        "expected `key=value` in [\(group):vars], got `\(trimmed)`", at: here)
                }
                let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
                let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                try checkVariableName(key, at: here)
                inventory.setGroupVars([key: Self.value(value)], for: group)
            case .children(let group):
                let child = try groupName(trimmed, at: here)
                guard child != group else {
                    throw InputError(.inventorySyntax, "group \(group) cannot be its own child", at: here)
                }
                if declared.contains(child) {
                    inventory.addChild(child, to: group)
                } else {
                    pending[child, default: Pending(location: here, isVars: false, parents: [])].parents.append(group)
                    pending[child]!.isVars = false
                }
            }
        }
        if let (name, waiting) = pending.min(by: { $0.value.location.line < $1.value.location.line }) {
            if waiting.isVars {
                throw InputError(.inventorySyntax,
                    "[\(name):vars] is for a group that is never declared: add a [\(name)] section or fix the name", at: waiting.location)
            }
            throw InputError(.inventorySyntax,
                "[\(waiting.parents.last!):children] lists `\(name)`, which is not a group: declare [\(name)] or fix the name", at: waiting.location)
        }
    }

    /// Host-line and `:vars` values: a Python literal, else the text itself.
    static func value(_ text: String) -> Value {
        PythonLiteral.parse(text) ?? .string(text)
    }

    private func parseHeader(_ header: String, at location: SourceLocation) throws -> Section {
        // `[name]` or `[name:kind]`, optionally followed by a comment.
        guard let close = header.firstIndex(of: "]") else {
            throw InputError(.inventorySyntax, "section header `\(header)` is missing its closing `]`", at: location)
        }
        let after = header[header.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard after.isEmpty || after.hasPrefix("#") || after.hasPrefix(";") else {
            throw InputError(.inventorySyntax, "unexpected `\(after)` after section header `\(header[...close])`", at: location)
        }
        let inner = String(header[header.index(after: header.startIndex)..<close])
        let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw InputError(.inventorySyntax,
                "bad section header `\(header[...close])`: group names cannot be empty or contain spaces", at: location)
        }
        guard parts.count == 2 else { return .hosts(name) }
        switch parts[1] {
        case "hosts": return .hosts(name)
        case "vars": return .vars(name)
        case "children": return .children(name)
        default:
            throw InputError(.inventorySyntax,
                "unknown section type `:\(parts[1])` in `\(header[...close])`: use [\(name)], [\(name):vars] or [\(name):children]", at: location)
        }
    }

    private func groupName(_ line: String, at location: SourceLocation) throws -> String {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let name = String(words[0])
        guard words.count == 1 || words[1].hasPrefix("#") || words[1].hasPrefix(";"), !name.contains(":") else {
            throw InputError(.inventorySyntax, "expected one group name per line in a :children section, got `\(line)`", at: location)
        }
        return name
    }

    private func parseHostLine(_ line: String, indent: Int, line lineNumber: Int) throws -> ([String], [String: Value]) {
        let words: [ShellWords.Word]
        do {
            words = try ShellWords.split(line, comments: true)
        } catch .unterminatedQuote(let column) {
            throw InputError(.inventorySyntax, "unterminated quote: close it or escape it",
                at: SourceLocation(file: path, line: lineNumber, column: indent + column))
        }
        let start = SourceLocation(file: path, line: lineNumber, column: indent + 1)
        guard var pattern = words.first?.text else { return ([], [:]) }
        var vars: [String: Value] = [:]
        // `host:2222` and `web[01:09]:2222` set the port, as in Ansible.
        if let (host, port) = try Self.splitPort(pattern, at: start) {
            vars["ansible_port"] = .int(port)
            pattern = host
        }
        let names: [String]
        do {
            names = try HostRange.expand(pattern)
        } catch .malformed(let message) {
            throw InputError(.inventorySyntax, message, at: start)
        }
        for word in words.dropFirst() {
            let at = SourceLocation(file: path, line: lineNumber, column: indent + word.column)
            guard let equals = word.text.firstIndex(of: "=") else {
                throw InputError(.inventorySyntax,
                    "expected `key=value` after host \(pattern), got `\(word.text)`; quote values that contain spaces", at: at)
            }
            let key = String(word.text[..<equals])
            try checkVariableName(key, at: at)
            vars[key] = Self.value(String(word.text[word.text.index(after: equals)...]))
        }
        return (names, vars)
    }

    /// The port after the last `:` outside range brackets, unless the name
    /// is a bare IPv6 address (more colons outside brackets).
    static func splitPort(_ pattern: String, at location: SourceLocation) throws -> (String, Int)? {
        var depth = 0
        var colons: [String.Index] = []
        for index in pattern.indices {
            switch pattern[index] {
            case "[": depth += 1
            case "]": depth -= 1
            case ":" where depth == 0: colons.append(index)
            default: break
            }
        }
        guard colons.count == 1, let colon = colons.first else { return nil }
        let port = pattern[pattern.index(after: colon)...]
        guard let number = Int(port), (0...65535).contains(number) else {
            throw InputError(.inventorySyntax,
                "`\(pattern)` has `:` without a port number after it: write host:PORT, or quote IPv6 addresses in [brackets]", at: location)
        }
        return (String(pattern[..<colon]), number)
    }

    private func checkVariableName(_ key: String, at location: SourceLocation) throws {
        guard isValidVariableName(key) else {
            throw InputError(.inventorySyntax,
                "`\(key)` is not a valid variable name: use letters, digits and underscores, not starting with a digit", at: location)
        }
    }
}

/// A name Ansible accepts for a variable (also the server's survey fields).
public func isValidVariableName(_ key: String) -> Bool {
    !key.isEmpty && !(key.first!.isNumber) && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
}
