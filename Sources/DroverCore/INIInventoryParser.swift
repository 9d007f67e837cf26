/// Reads Ansible's INI inventory format: `[group]` host lines with
/// `key=value` vars, `[group:vars]` and `[group:children]` sections.
public struct INIInventoryParser {
    public let path: String

    public init(path: String) { self.path = path }

    private enum Section {
        case hosts(String)
        case vars(String)
        case children(String)
    }

    public func parse(_ text: String, into inventory: inout Inventory) throws {
        var section = Section.hosts("ungrouped")
        var grouped = Set<String>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let here = SourceLocation(file: path, line: lineNumber, column: indent + 1)
            if trimmed.hasPrefix("[") {
                section = try parseHeader(trimmed, at: here)
                if case .hosts(let g) = section { inventory.ensureGroup(g) }
                continue
            }
            switch section {
            case .hosts(let group):
                let (name, vars) = try parseHostLine(trimmed, indent: indent, line: lineNumber)
                inventory.addHost(name, vars: vars, to: group)
                if group != "ungrouped" { grouped.insert(name) }
            case .vars(let group):
                guard let equals = trimmed.firstIndex(of: "=") else {
                    throw InputError(.inventorySyntax,
                        "expected `key=value` in [\(group):vars], got `\(trimmed)`", at: here)
                }
                let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
                let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                try checkVariableName(key, at: here)
                inventory.setGroupVars([key: .string(unquote(value))], for: group)
            case .children(let group):
                let child = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? trimmed
                guard child != group else {
                    throw InputError(.inventorySyntax, "group \(group) cannot be its own child", at: here)
                }
                inventory.addChild(child, to: group)
            }
        }
        for group in inventory.groups.keys where group != "all" {
            inventory.addChild(group, to: "all")
        }
        // Hosts that also appear in a real group are not "ungrouped" (as in Ansible).
        inventory.removeFromUngrouped(grouped)
    }

    private func parseHeader(_ header: String, at location: SourceLocation) throws -> Section {
        guard header.hasSuffix("]") else {
            throw InputError(.inventorySyntax, "section header `\(header)` is missing its closing `]`", at: location)
        }
        let inner = String(header.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        let parts = inner.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw InputError(.inventorySyntax, "bad group name in `\(header)`: group names cannot be empty or contain spaces", at: location)
        }
        guard parts.count == 2 else { return .hosts(name) }
        switch parts[1] {
        case "vars": return .vars(name)
        case "children": return .children(name)
        default:
            throw InputError(.inventorySyntax,
                "unknown section type `:\(parts[1])` in `\(header)`: use [\(name)], [\(name):vars] or [\(name):children]", at: location)
        }
    }

    private func parseHostLine(_ line: String, indent: Int, line lineNumber: Int) throws -> (String, [String: Value]) {
        let words: [ShellWords.Word]
        do {
            words = try ShellWords.split(line)
        } catch .unterminatedQuote(let column) {
            throw InputError(.inventorySyntax, "unterminated quote: close it or escape it",
                at: SourceLocation(file: path, line: lineNumber, column: indent + column))
        }
        var name = words[0].text
        var vars: [String: Value] = [:]
        // `host:2222` sets the port, as in Ansible (IPv6 addresses aside).
        if let colon = name.lastIndex(of: ":"), name.filter({ $0 == ":" }).count == 1,
           let port = Int(name[name.index(after: colon)...]) {
            vars["ansible_port"] = .int(port)
            name = String(name[..<colon])
        }
        for word in words.dropFirst() {
            let at = SourceLocation(file: path, line: lineNumber, column: indent + word.column)
            guard let equals = word.text.firstIndex(of: "=") else {
                throw InputError(.inventorySyntax,
                    "expected `key=value` after host \(name), got `\(word.text)`; quote values that contain spaces", at: at)
            }
            let key = String(word.text[..<equals])
            try checkVariableName(key, at: at)
            vars[key] = literal(String(word.text[word.text.index(after: equals)...]))
        }
        return (name, vars)
    }

    /// Host-line values are Python literals in Ansible: numbers and booleans
    /// become typed, the rest stays text.
    private func literal(_ text: String) -> Value {
        if let i = Int(text) { return .int(i) }
        if let d = Double(text), text.contains(".") { return .double(d) }
        switch text {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .null
        default: return .string(text)
        }
    }

    private func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == text.last, first == "'" || first == "\"" {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    private func checkVariableName(_ key: String, at location: SourceLocation) throws {
        let valid = !key.isEmpty && !(key.first!.isNumber)
            && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        guard valid else {
            throw InputError(.inventorySyntax,
                "`\(key)` is not a valid variable name: use letters, digits and underscores, not starting with a digit", at: location)
        }
    }
}

extension Inventory {
    mutating func removeFromUngrouped(_ names: Set<String>) {
        guard var group = groups["ungrouped"] else { return }
        group.hosts.removeAll(where: names.contains)
        replaceGroup(group)
    }
}
