/// One lexical token of a template: text outside tags, tag delimiters, or
/// an expression token inside a tag. Lines and columns are 1-based and
/// relative to the template source.
struct TemplateToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case data(String)
        case variableBegin, variableEnd
        case blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case eof
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .data: return "template text"
        case .variableBegin: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockBegin: return "'{%'"
        case .blockEnd: return "'%}'"
        case .name(let n): return "'\(n)'"
        case .string(let s): return Value.string(s).pythonRepr
        case .integer(let i): return String(i)
        case .float(let d): return PythonFloat.repr(d)
        case .op(let o): return "'\(o)'"
        case .eof: return "end of template"
        }
    }
}

/// Maps a position in a template's own text to a place in the user's file.
/// A template that came from a YAML value starts at `baseLine:baseColumn`;
/// when the value's characters were located one by one (quoted, folded or
/// block scalars), `positions` says where each stands.
struct SourceMap: Sendable, Hashable {
    var name: String
    var baseLine: Int
    var baseColumn: Int
    var positions: CharacterPositions?

    init(name: String, baseLine: Int, baseColumn: Int) {
        self.name = name
        self.baseLine = baseLine
        self.baseColumn = baseColumn
    }

    init(origin: ValueOrigin) {
        self.init(name: origin.location.file, baseLine: origin.location.line, baseColumn: origin.location.column)
        positions = origin.characters
    }

    func location(line: Int, column: Int) -> SourceLocation {
        if let position = positions?.position(line: line, column: column) {
            return SourceLocation(file: name, line: position.line, column: position.column)
        }
        if line <= 1 {
            return SourceLocation(file: name, line: baseLine, column: baseColumn + column - 1)
        }
        return SourceLocation(file: name, line: baseLine + line - 1, column: column)
    }
}
