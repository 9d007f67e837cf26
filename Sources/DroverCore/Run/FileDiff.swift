/// One file's before and after, as `--diff` shows it.
public struct FileDiff: Sendable, Equatable {
    public var path: String
    public var before: String
    public var after: String
    public var beforeHeader: String
    public var afterHeader: String

    public init(path: String, before: String, after: String, beforeHeader: String? = nil, afterHeader: String? = nil) {
        self.path = path
        self.before = before
        self.after = after
        self.beforeHeader = beforeHeader ?? path
        self.afterHeader = afterHeader ?? path
    }

    /// The entry of a result's `diff` list, in Ansible's names.
    public var value: Value {
        .dict(["before": .string(before), "after": .string(after),
               "before_header": .string(beforeHeader), "after_header": .string(afterHeader)])
    }
}
