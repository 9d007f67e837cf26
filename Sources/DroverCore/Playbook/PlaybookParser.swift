import Foundation
import OrderedCollections
import Yams

/// Reads a playbook and everything it imports (playbooks, task files,
/// roles) and checks every keyword, module and argument before anything
/// runs. Errors name file:line:column and what to do.
public struct PlaybookParser {
    /// Extra variables given with -e: they answer `vars_prompt`.
    public var extraVariableNames: Set<String>
    /// Directories searched for roles after `roles/` beside the playbook.
    public var rolesPath: [String]
    /// Playbooks held in memory by path (an ad hoc command's one-task
    /// playbook); read before the file system.
    public var inMemory: [String: String] = [:]
    /// The files read so far, to locate values' characters.
    let sources = SourceCache()

    public init(extraVariableNames: Set<String> = [], rolesPath: [String] = []) {
        self.extraVariableNames = extraVariableNames
        self.rolesPath = rolesPath
    }

    public func parse(file: String) throws -> Playbook {
        var context = Context()
        let plays = try parsePlaybook(file, context: &context)
        return Playbook(path: file, plays: plays.enumerated().map { $0.element.placingTasks(index: $0.offset + 1) })
    }

    /// Guards against import cycles and runaway nesting.
    struct Context {
        var openFiles: [String] = []
        var roleStack: [String] = []
        var roleCache: [String: Role] = [:]
        /// Directories of the playbooks being read: roles/ beside them is searched.
        var playbookDirectories: [String] = []
    }

    func load(_ path: String, from location: SourceLocation?) throws -> Node? {
        let text: String
        if let held = inMemory[path] {
            text = held
        } else if let data = FileManager.default.contents(atPath: path) {
            text = String(decoding: data, as: UTF8.self)
        } else {
            throw InputError(.fileNotFound, "cannot read \(path): check the path (relative paths start at the file that names them)", at: location)
        }
        sources.store(text, for: path)
        return try YAML.compose(text, file: path)
    }

    func parsePlaybook(_ path: String, context: inout Context, from: SourceLocation? = nil) throws -> [Play] {
        let standardized = URL(fileURLWithPath: path).standardized.path
        guard !context.openFiles.contains(standardized) else {
            throw InputError(.playbookSyntax, "\(path) imports itself (through \(context.openFiles.joined(separator: " -> "))): remove the cycle", at: from)
        }
        context.openFiles.append(standardized)
        context.playbookDirectories.append(URL(fileURLWithPath: standardized).deletingLastPathComponent().path)
        defer {
            context.openFiles.removeLast()
            context.playbookDirectories.removeLast()
        }
        guard let root = try load(path, from: from) else { return [] }
        guard case .sequence(let items) = root else {
            throw InputError(.playbookSyntax, "a playbook is a list of plays (each starting with `- hosts:`)", at: YAML.location(of: root, in: path))
        }
        var plays: [Play] = []
        for item in items {
            let at = YAML.location(of: item, in: path)
            guard case .mapping(let mapping) = item else {
                throw InputError(.playbookSyntax, "each play must be a mapping with `hosts:` and tasks", at: at)
            }
            if let (keyNode, value) = mapping.first(where: { ["import_playbook", "ansible.builtin.import_playbook"].contains($0.key.scalar?.string) }) {
                guard case .scalar(let target) = value else {
                    throw InputError(.playbookSyntax, "import_playbook takes a file name", at: YAML.location(of: value, in: path))
                }
                let resolved = resolve(target.string, relativeTo: path)
                plays += try parsePlaybook(resolved, context: &context, from: YAML.location(of: keyNode, in: path))
                continue
            }
            plays.append(try parsePlay(mapping, file: path, at: at, context: &context))
        }
        return plays
    }

    func parsePlay(_ mapping: Node.Mapping, file: String, at location: SourceLocation, context: inout Context) throws -> Play {
        var play = Play(name: nil, hosts: "", vars: [:], varsFiles: [], roles: [], preTasks: [], tasks: [], postTasks: [],
                        handlers: [], keywords: [:], location: location)
        var sawHosts = false
        for (keyNode, value) in mapping {
            let key = try keyword(keyNode, allowed: Keywords.play, level: "play", file: file)
            let at = YAML.location(of: value, in: file)
            switch key {
            case "name": play.name = try YAML.value(value, file: file).text
            case "hosts":
                sawHosts = true
                switch try YAML.value(value, file: file) {
                case .list(let items): play.hosts = items.map(\.text).joined(separator: ",")
                case let other: play.hosts = other.text
                }
                guard !play.hosts.isEmpty else {
                    throw InputError(.playbookSyntax, "`hosts:` is empty: give a pattern such as `all` or a group name", at: at)
                }
            case "vars":
                play.vars = try variables(value, file: file)
                play.varsOrigin = origin(value, file: file)
            case "vars_files":
                play.varsFiles = try stringList(value, file: file, what: "vars_files")
            case "vars_prompt":
                try checkPrompts(value, file: file)
            case "roles":
                guard case .sequence(let items) = value else {
                    throw InputError(.playbookSyntax, "`roles:` is a list of role names or `- role: NAME` entries", at: at)
                }
                for item in items { play.roles.append(try roleReference(item, file: file, context: &context)) }
            case "pre_tasks": play.preTasks = try taskList(value, file: file, context: &context)
            case "tasks": play.tasks = try taskList(value, file: file, context: &context)
            case "post_tasks": play.postTasks = try taskList(value, file: file, context: &context)
            case "handlers": play.handlers = try taskList(value, file: file, context: &context)
            default:
                play.keywords[key] = try YAML.value(value, file: file)
                try checkPlayKeyword(key, play.keywords[key]!, at: at)
            }
        }
        guard sawHosts else {
            throw InputError(.playbookSyntax, "this play has no `hosts:`: add `hosts: all` or a group name", at: location)
        }
        return play
    }

    private func checkPlayKeyword(_ key: String, _ value: Value, at location: SourceLocation) throws {
        let literal = value.stringValue.map { !$0.contains("{{") } ?? true
        guard literal else { return }
        switch key {
        case "strategy":
            guard ["linear", "free"].contains(value.text) else {
                throw InputError(.badArgument, "strategy `\(value.text)` is not supported: use linear or free", at: location)
            }
        case "order":
            guard ["inventory", "reverse_inventory", "sorted", "reverse_sorted", "shuffle"].contains(value.text) else {
                throw InputError(.badArgument, "order `\(value.text)` must be inventory, reverse_inventory, sorted, reverse_sorted or shuffle", at: location)
            }
        case "rollback":
            guard ["on_failure", "never"].contains(value.text) else {
                throw InputError(.badArgument, "rollback `\(value.text)` must be on_failure or never", at: location)
            }
        default: break
        }
    }

    /// vars_prompt cannot ask anyone during an unattended run: each prompt
    /// must be answered with -e.
    private func checkPrompts(_ node: Node, file: String) throws {
        guard case .sequence(let prompts) = node else { return }
        for prompt in prompts {
            guard case .mapping(let fields) = prompt,
                  let name = fields.first(where: { $0.key.scalar?.string == "name" })?.value.scalar?.string else { continue }
            if !extraVariableNames.contains(name) {
                throw InputError(.playbookSyntax,
                    "vars_prompt asks for `\(name)`, but Drover never prompts: pass it with -e \(name)=VALUE", at: YAML.location(of: prompt, in: file))
            }
        }
    }

    // MARK: helpers shared by the parser's files

    func keyword(_ node: Node, allowed: Set<String>, level: String, file: String, extra: Bool = false) throws -> String {
        let at = YAML.location(of: node, in: file)
        guard case .scalar(let scalar) = node else {
            throw InputError(.playbookSyntax, "keys must be plain words", at: at)
        }
        let key = scalar.string
        if allowed.contains(key) || extra { return key }
        throw InputError(.unknownKeyword, "`\(key)` is not a \(level) keyword" + didYouMean(key, among: allowed), at: at)
    }

    func variables(_ node: Node, file: String) throws -> OrderedDictionary<String, Value> {
        switch try YAML.value(node, file: file) {
        case .dict(let dict):
            if let bad = dict.keys.first(where: { !isValidVariableName($0) }) {
                throw InputError(.playbookSyntax, "`\(bad)` is not a valid variable name: use letters, digits and underscores", at: YAML.location(of: node, in: file))
            }
            return dict
        case .null: return [:]
        case .list(let items):
            // Ansible also accepts a list of mappings.
            var merged = OrderedDictionary<String, Value>()
            for case .dict(let dict) in items { merged.merge(dict) { _, new in new } }
            return merged
        default:
            throw InputError(.playbookSyntax, "`vars:` must be a mapping of `name: value`", at: YAML.location(of: node, in: file))
        }
    }

    func stringList(_ node: Node, file: String, what: String) throws -> [String] {
        switch try YAML.value(node, file: file) {
        case .list(let items): return items.map(\.text)
        case .string(let s): return [s]
        case .null: return []
        default: throw InputError(.playbookSyntax, "`\(what)` must be a list of file names", at: YAML.location(of: node, in: file))
        }
    }

    func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        return (URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path)).path
    }

    func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String {
        closestMatch(word, among: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }
}

extension PlaybookParser {
    /// A task file read at run time (`include_tasks`), checked as at parse
    /// time; its tasks are placed as the children of `include`.
    public func parseTaskFile(_ path: String, placedUnder include: TaskID = .unplaced) throws -> [TaskNode] {
        var context = Context()
        guard let root = try load(path, from: nil) else { return [] }
        return try withFile(path, context: &context, from: SourceLocation(file: path, line: 1, column: 1)) { context in
            try taskList(root, file: path, context: &context)
        }.placed(under: include)
    }

    /// A role read at run time (`include_role`), looked up beside `file`;
    /// its tasks are placed as the children of `include`.
    public func loadRole(named name: String, from file: String, tasksFrom: String?, placedUnder include: TaskID = .unplaced) throws -> Role {
        var context = Context()
        context.playbookDirectories = [(file as NSString).deletingLastPathComponent]
        var role = try loadRole(name, from: file, at: SourceLocation(file: file, line: 1, column: 1), tasksFrom: tasksFrom, context: &context)
        role.tasks = role.tasks.placed(under: include)
        return role
    }
}
