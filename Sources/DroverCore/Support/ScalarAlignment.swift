import Yams

/// Finds where each character of a YAML string scalar stands in its file.
/// The parser only reports where a scalar starts; quotes, escapes, folded
/// lines and block indentation move the rest. Walking the source from the
/// start and matching the value's characters in order recovers them.
struct ScalarAlignment {
    let lines: [[Unicode.Scalar]]
    let style: Node.Scalar.Style
    /// 0-based cursor into `lines`; a column equal to the line's length is its line break.
    var line: Int
    var column: Int
    var blockIndent = 0

    /// Gives up matching after this many unmatched source characters in a
    /// row: the rest of the value then points at the last match.
    static let maxSkip = 400

    init(lines: [[Unicode.Scalar]], style: Node.Scalar.Style, start: SourceLocation) {
        self.lines = lines
        self.style = style
        self.line = start.line - 1
        self.column = start.column - 1
    }

    static func positions(of value: String, style: Node.Scalar.Style, start: SourceLocation,
                          in lines: [[Unicode.Scalar]]) -> CharacterPositions {
        var walker = ScalarAlignment(lines: lines, style: style, start: start)
        walker.enterContent()
        var rows: [[FilePosition]] = [[]]
        var last = FilePosition(line: start.line, column: start.column)
        var lost = false
        for scalar in value.unicodeScalars {
            if !lost, let position = walker.match(scalar) { last = position } else { lost = true }
            rows[rows.count - 1].append(last)
            if scalar == "\n" { rows.append([]) }
        }
        rows[rows.count - 1].append(lost ? last : walker.here)
        return CharacterPositions(rows: rows)
    }

    var atEnd: Bool { line >= lines.count }
    var here: FilePosition { FilePosition(line: line + 1, column: column + 1) }

    /// The source character under the cursor; a line break at a line's end.
    var current: Unicode.Scalar? {
        guard !atEnd else { return nil }
        return column < lines[line].count ? lines[line][column] : "\n"
    }

    mutating func advance() {
        guard !atEnd else { return }
        if column < lines[line].count {
            column += 1
        } else {
            line += 1
            column = 0
            skipIndentation()
        }
    }

    /// Steps over what comes before the first character: the quote, or a
    /// block scalar's header line.
    mutating func enterContent() {
        switch style {
        case .singleQuoted, .doubleQuoted:
            column += 1
        case .literal, .folded:
            line += 1
            column = 0
            let firstText = lines[min(line, lines.count)...].first { $0.contains { $0 != " " } }
            blockIndent = firstText?.prefix { $0 == " " }.count ?? 0
            skipIndentation()
        default:
            break
        }
    }

    /// A new source line: block scalars drop their indentation, flow
    /// scalars (plain and quoted) all leading white space.
    mutating func skipIndentation() {
        guard !atEnd else { return }
        let limit = (style == .literal || style == .folded) ? blockIndent : Int.max
        while column < lines[line].count, column < limit, lines[line][column] == " " || lines[line][column] == "\t" { column += 1 }
    }

    /// Moves to `scalar` in the source and returns where it stands, or nil
    /// when the source no longer matches the value.
    mutating func match(_ scalar: Unicode.Scalar) -> FilePosition? {
        var skipped = 0
        while let source = current, skipped < Self.maxSkip {
            if style == .doubleQuoted && source == "\\" {
                let position = here
                if column + 1 >= lines[line].count {
                    // An escaped line break joins the lines without a space.
                    line += 1
                    column = 0
                    skipIndentation()
                    continue
                }
                let letter = lines[line][column + 1]
                let length = letter == "x" ? 4 : letter == "u" ? 6 : letter == "U" ? 10 : 2
                for _ in 0..<length { advance() }
                return position
            }
            if source == scalar || (source == "\n" && scalar == " ") {
                // A folded line break becomes a space in the value.
                let position = here
                advance()
                return position
            }
            advance()
            skipped += 1
        }
        return nil
    }
}
