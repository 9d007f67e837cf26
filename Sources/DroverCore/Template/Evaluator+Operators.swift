import Foundation

/// Python's arithmetic, comparison and membership rules, as Jinja2 applies them.
extension Evaluator {
    func unary(_ op: Expression.UnaryOperator, _ v: Value, at e: Expression) throws(TemplateError) -> Value {
        switch v {
        case .int(let i):
            if op == .plus { return .int(i) }
            guard i != Int.min else { throw fail(.limitExceeded, "integer overflow", at: e) }
            return .int(-i)
        case .bool(let b):
            return .int(op == .negate ? (b ? -1 : 0) : (b ? 1 : 0))
        case .double(let d):
            return .double(op == .negate ? -d : d)
        default:
            throw fail(.typeError, "bad operand type for unary \(op.rawValue): '\(v.pythonTypeName)'", at: e)
        }
    }

    func typeMismatch(_ op: String, _ a: Value, _ b: Value, at e: Expression) -> TemplateError {
        fail(.typeError, "unsupported operand type(s) for \(op): '\(a.pythonTypeName)' and '\(b.pythonTypeName)'"
            + (op == "+" && (a.stringValue != nil || b.stringValue != nil) ? " (use '~' to join values as text)" : ""),
             at: e)
    }

    func checkSize(_ count: Int, at e: Expression) throws(TemplateError) {
        if count > Self.maxCollectionCount * 16 {
            throw fail(.limitExceeded, "result would have \(count) elements: that is too large", at: e)
        }
    }

    func binary(_ op: Expression.BinaryOperator, _ a: Value, _ b: Value, at e: Expression) throws(TemplateError) -> Value {
        switch op {
        case .concat:
            var s = ""
            a.writeString(to: &s)
            b.writeString(to: &s)
            return .string(s)
        case .add:
            switch (a, b) {
            case (.string(let x), .string(let y)): return .string(x + y)
            case (.list(let x), .list(let y)): return .list(x + y)
            default: return try arithmetic(op, a, b, at: e)
            }
        case .multiply:
            switch (a, b) {
            case (.string(let s), _) where b.integer != nil:
                let n = max(0, b.integer!)
                try checkSize(s.utf8.count * n, at: e)
                return .string(String(repeating: s, count: n))
            case (_, .string(let s)) where a.integer != nil:
                let n = max(0, a.integer!)
                try checkSize(s.utf8.count * n, at: e)
                return .string(String(repeating: s, count: n))
            case (.list(let l), _) where b.integer != nil:
                let n = max(0, b.integer!)
                try checkSize(l.count * n, at: e)
                return .list(Array([[Value]](repeating: l, count: n).joined()))
            case (_, .list(let l)) where a.integer != nil:
                let n = max(0, a.integer!)
                try checkSize(l.count * n, at: e)
                return .list(Array([[Value]](repeating: l, count: n).joined()))
            default: return try arithmetic(op, a, b, at: e)
            }
        case .modulo:
            if case .string(let format) = a {
                return .string(try PythonFormat.percent(format, b) { c, m in self.fail(c, m, at: e) })
            }
            return try arithmetic(op, a, b, at: e)
        default:
            return try arithmetic(op, a, b, at: e)
        }
    }

    func arithmetic(_ op: Expression.BinaryOperator, _ a: Value, _ b: Value, at e: Expression) throws(TemplateError) -> Value {
        if let x = a.integer, let y = b.integer {
            return try integerArithmetic(op, x, y, at: e)
        }
        guard let x = a.numeric, let y = b.numeric else { throw typeMismatch(op.rawValue, a, b, at: e) }
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide:
            guard y != 0 else { throw fail(.valueError, "float division by zero", at: e) }
            return .double(x / y)
        case .floorDivide:
            guard y != 0 else { throw fail(.valueError, "float floor division by zero", at: e) }
            return .double((x / y).rounded(.down))
        case .modulo:
            guard y != 0 else { throw fail(.valueError, "float modulo by zero", at: e) }
            let r = fmod(x, y)
            return .double(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case .power:
            if x == 0 && y < 0 { throw fail(.valueError, "0.0 cannot be raised to a negative power", at: e) }
            let r = pow(x, y)
            if r.isNaN && !x.isNaN && !y.isNaN { throw fail(.valueError, "negative number cannot be raised to a fractional power", at: e) }
            return .double(r)
        case .concat: return .null
        }
    }

    func integerArithmetic(_ op: Expression.BinaryOperator, _ x: Int, _ y: Int, at e: Expression) throws(TemplateError) -> Value {
        func checked(_ r: (partialValue: Int, overflow: Bool)) throws(TemplateError) -> Value {
            if r.overflow { throw fail(.limitExceeded, "integer overflow: Drover integers are 64-bit", at: e) }
            return .int(r.partialValue)
        }
        switch op {
        case .add: return try checked(x.addingReportingOverflow(y))
        case .subtract: return try checked(x.subtractingReportingOverflow(y))
        case .multiply: return try checked(x.multipliedReportingOverflow(by: y))
        case .divide:
            guard y != 0 else { throw fail(.valueError, "division by zero", at: e) }
            return .double(Double(x) / Double(y))
        case .floorDivide, .modulo:
            guard y != 0 else { throw fail(.valueError, "integer division or modulo by zero", at: e) }
            if x == Int.min && y == -1 { throw fail(.limitExceeded, "integer overflow", at: e) }
            var q = x / y
            var r = x % y
            if r != 0 && (r < 0) != (y < 0) {
                q -= 1
                r += y
            }
            return .int(op == .floorDivide ? q : r)
        case .power:
            if y < 0 {
                if x == 0 { throw fail(.valueError, "0.0 cannot be raised to a negative power", at: e) }
                return .double(pow(Double(x), Double(y)))
            }
            var result = 1, base = x, exp = y
            while exp > 0 {
                if exp & 1 == 1 { result = try checked(result.multipliedReportingOverflow(by: base)).integer! }
                exp >>= 1
                if exp > 0 { base = try checked(base.multipliedReportingOverflow(by: base)).integer! }
            }
            return .int(result)
        case .concat: return .null
        }
    }

    // MARK: Comparison

    func compare(_ op: Expression.CompareOperator, _ a: Value, _ b: Value, at e: Expression) throws(TemplateError) -> Bool {
        switch op {
        case .equal: return Self.pythonEquals(a, b)
        case .notEqual: return !Self.pythonEquals(a, b)
        case .isIn: return try contains(b, a, at: e)
        case .notIn: return !(try contains(b, a, at: e))
        case .less, .lessEqual, .greater, .greaterEqual:
            guard let order = Self.pythonOrder(a, b) else {
                throw fail(.typeError, "'\(op.rawValue)' not supported between instances of '\(a.pythonTypeName)' and '\(b.pythonTypeName)'", at: e)
            }
            switch op {
            case .less: return order == .orderedAscending
            case .lessEqual: return order != .orderedDescending
            case .greater: return order == .orderedDescending
            default: return order != .orderedAscending
            }
        }
    }

    /// Python's `==`: numbers (and bools) compare by value, dicts ignore order.
    static func pythonEquals(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.null, .null): return true
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where !pythonEquals(p, q) { return false }
            return true
        case (.dict(let x), .dict(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x {
                guard let w = y[k], pythonEquals(v, w) else { return false }
            }
            return true
        default:
            if let x = a.integer, let y = b.integer { return x == y }
            if let x = a.numeric, let y = b.numeric { return x == y }
            return false
        }
    }

    /// Python's ordering: numbers, strings (by code point) and lists; nil
    /// when the types cannot be ordered.
    static func pythonOrder(_ a: Value, _ b: Value) -> ComparisonResult? {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            if x == y { return .orderedSame }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? .orderedAscending : .orderedDescending
        case (.list(let x), .list(let y)):
            for (p, q) in zip(x, y) where !pythonEquals(p, q) {
                return pythonOrder(p, q)
            }
            return x.count == y.count ? .orderedSame : (x.count < y.count ? .orderedAscending : .orderedDescending)
        default:
            if let x = a.integer, let y = b.integer {
                return x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
            }
            guard let x = a.numeric, let y = b.numeric else { return nil }
            if x == y { return .orderedSame }
            return x < y ? .orderedAscending : .orderedDescending
        }
    }

    /// `needle in container`.
    func contains(_ container: Value, _ needle: Value, at e: Expression) throws(TemplateError) -> Bool {
        switch container {
        case .string(let s):
            guard case .string(let n) = needle else {
                throw fail(.typeError, "'in <string>' requires string as left operand, not \(needle.pythonTypeName)", at: e)
            }
            return n.isEmpty || s.contains(n)
        case .list(let items):
            for item in items where Self.pythonEquals(item, needle) { return true }
            return false
        case .dict(let d):
            switch needle {
            case .list, .dict: throw fail(.typeError, "unhashable type: '\(needle.pythonTypeName)'", at: e)
            default: return d[needle.pythonString] != nil
            }
        default:
            throw fail(.typeError, "argument of type '\(container.pythonTypeName)' is not iterable", at: e)
        }
    }
}
