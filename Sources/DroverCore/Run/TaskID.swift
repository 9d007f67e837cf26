/// A task's stable identity: where it stands in the playbook, not its
/// title (two unnamed `shell` tasks have the same title, not the same id).
///
/// `play` is the play's 1-based position in the playbook (imports
/// expanded). `path` is the 1-based index path through the play's task
/// tree: the play's pre_tasks, roles, tasks and post_tasks entries are
/// numbered in one sequence (handlers, with the roles' handlers, in
/// another); a block's children (block, rescue, always) and a role's
/// children (its dependencies, then its tasks) are numbered in one
/// sequence each; tasks an `include_*` reads at run time are the
/// include's children.
///
/// Index 0 never names a written task: it marks a step the engine adds
/// (fact gathering before a play's first entry, log collection after a
/// failed task). Play 0 is not from a playbook (a rollback run's steps).
///
/// Stored as the compact text `p1.t3.2` (`p1.h2` for a handler).
public struct TaskID: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
    public var play: Int
    public var path: [Int]
    public var isHandler: Bool

    public init(play: Int, path: [Int], isHandler: Bool = false) {
        self.play = play
        self.path = path
        self.isHandler = isHandler
    }

    /// A task built outside a parsed playbook (tests, ad hoc tasks).
    public static let unplaced = TaskID(play: 0, path: [])

    /// The fact gathering that opens play `play`.
    public static func gatheringFacts(play: Int) -> TaskID { TaskID(play: play, path: [0]) }

    /// The `collect_on_failure` step that follows this task's failures.
    public var collectingLogs: TaskID { child(0) }

    /// The `index`-th (1-based) task under this one.
    public func child(_ index: Int) -> TaskID { TaskID(play: play, path: path + [index], isHandler: isHandler) }

    public var description: String {
        guard let first = path.first else { return "p\(play)" }
        return (["p\(play)", "\(isHandler ? "h" : "t")\(first)"] + path.dropFirst().map(String.init)).joined(separator: ".")
    }

    /// Parses `p1.t3.2`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let head = parts.first, head.first == "p", let play = Int(head.dropFirst()), play >= 0 else { return nil }
        guard parts.count > 1 else {
            self.init(play: play, path: [])
            return
        }
        let section = parts[1]
        guard let marker = section.first, marker == "t" || marker == "h", let first = Int(section.dropFirst()) else { return nil }
        var path = [first]
        for part in parts.dropFirst(2) {
            guard let index = Int(part) else { return nil }
            path.append(index)
        }
        guard path.allSatisfy({ $0 >= 0 }) else { return nil }
        self.init(play: play, path: path, isHandler: marker == "h")
    }

    // Codable as the compact text, so JSON and the store read alike.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = TaskID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "`\(text)` is not a task id such as p1.t3.2"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
