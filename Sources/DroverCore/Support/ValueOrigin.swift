/// Where a value read from YAML stands in its file, down to each character
/// of its strings, so that a template error points at the faulty expression
/// inside the value rather than at the task that holds it.
public struct ValueOrigin: Sendable, Hashable {
    /// Where the YAML node starts (for a quoted string, its opening quote).
    public var location: SourceLocation
    /// For strings: where each character of the value stands in the file.
    var characters: CharacterPositions?
    /// A list's items, in order.
    public var items: [ValueOrigin] = []
    /// A mapping's values, by key.
    public var fields: [String: ValueOrigin] = [:]

    public init(location: SourceLocation) {
        self.location = location
    }

    init(location: SourceLocation, characters: CharacterPositions?, items: [ValueOrigin] = [], fields: [String: ValueOrigin] = [:]) {
        self.location = location
        self.characters = characters
        self.items = items
        self.fields = fields
    }

    public subscript(field: String) -> ValueOrigin? { fields[field] }

    public func item(_ index: Int) -> ValueOrigin? { items.indices.contains(index) ? items[index] : nil }

    /// The origin of the text that follows the value's first `count`
    /// characters (an argument's value inside a `key=value` string).
    public func dropping(_ count: Int) -> ValueOrigin {
        guard let characters else { return self }
        let rest = characters.dropping(count)
        return ValueOrigin(location: rest.start.map { SourceLocation(file: location.file, line: $0.line, column: $0.column) } ?? location,
                           characters: rest)
    }
}

/// A position in a file: 1-based line and column.
struct FilePosition: Sendable, Hashable {
    var line: Int
    var column: Int
}

/// The file position of every character of a string, row by row (a row is
/// a line of the value); each row ends with the position of the line break
/// that follows it, or of the value's end.
struct CharacterPositions: Sendable, Hashable {
    var rows: [[FilePosition]]

    var start: FilePosition? { rows.first?.first }

    /// Positions past a row's end continue on the file line of its last
    /// character; rows past the last clamp to the value's end.
    func position(line: Int, column: Int) -> FilePosition? {
        guard !rows.isEmpty else { return nil }
        guard line <= rows.count else { return rows[rows.count - 1].last }
        let row = rows[max(line, 1) - 1]
        guard let last = row.last else { return nil }
        let index = max(column, 1) - 1
        if index < row.count { return row[index] }
        return FilePosition(line: last.line, column: last.column + index - row.count + 1)
    }

    func dropping(_ count: Int) -> CharacterPositions {
        var remaining = count
        for (index, row) in rows.enumerated() {
            // Each row's last entry is its line break: dropping it moves to the next row.
            if remaining < row.count { return CharacterPositions(rows: [Array(row[remaining...])] + rows[(index + 1)...]) }
            remaining -= row.count
        }
        return CharacterPositions(rows: rows.last.map { [[$0.last].compactMap { $0 }] } ?? [])
    }
}
