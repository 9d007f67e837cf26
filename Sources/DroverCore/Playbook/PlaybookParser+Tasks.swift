import Foundation
import OrderedCollections
import Yams

extension PlaybookParser {
    func taskList(_ node: Node, file: String, context: inout Context) throws -> [TaskNode] {
        switch node {
        case .scalar(let s) where s.string.isEmpty || s.string == "~" || s.string == "null": return []
        case .sequence(let items):
            var nodes: [TaskNode] = []
            for item in items { nodes += try taskEntry(item, file: file, context: &context) }
            return nodes
        default:
            throw InputError(.playbookSyntax, "a task list is a YAML list: each task starts with `- name:` or `- MODULE:`",
                at: YAML.location(of: node, in: file))
        }
    }

    /// One list entry: a block, a task, or an import expanded in place.
    func taskEntry(_ node: Node, file: String, context: inout Context) throws -> [TaskNode] {
        let at = YAML.location(of: node, in: file)
        guard case .mapping(let mapping) = node else {
            throw InputError(.playbookSyntax, "each task must be a mapping such as `- name: …` with a module", at: at)
        }
        if mapping.contains(where: { $0.key.scalar?.string == "block" }) {
            return [.block(try block(mapping, file: file, at: at, context: &context))]
        }
        let task = try self.task(mapping, file: file, at: at)
        switch task.module {
        case "import_tasks":
            let target = task.arguments["file"]?.text ?? task.arguments["_raw_params"]?.text ?? ""
            let path = resolve(target, relativeTo: file)
            guard let root = try load(path, from: at) else { return [] }
            let imported = try withFile(path, context: &context, from: at) { context in
                try taskList(root, file: path, context: &context)
            }
            return [.block(Block(name: task.name, tasks: imported, rescue: [], always: [], keywords: task.keywords, location: at, keywordOrigins: task.keywordOrigins))]
        case "import_role":
            let name = task.arguments["name"]?.text ?? ""
            let role = try loadRole(name, from: file, at: at, tasksFrom: task.arguments["tasks_from"]?.text, context: &context)
            return [.block(Block(name: task.name, tasks: role.tasks, rescue: [], always: [], keywords: task.keywords, location: at, keywordOrigins: task.keywordOrigins))]
        case "include_tasks":
            let target = task.arguments["file"]?.text ?? task.arguments["_raw_params"]?.text ?? ""
            if !target.contains("{{") {
                let path = resolve(target, relativeTo: file)
                guard let root = try load(path, from: at) else { return [.include(task)] }
                // Checked now so a typo fails before the run; run again at run time.
                _ = try withFile(path, context: &context, from: at) { context in try taskList(root, file: path, context: &context) }
            }
            return [.include(task)]
        case "include_role":
            let name = task.arguments["name"]?.text ?? ""
            if !name.contains("{{") {
                _ = try loadRole(name, from: file, at: at, tasksFrom: task.arguments["tasks_from"]?.text, context: &context)
            }
            return [.include(task)]
        default:
            return [.task(task)]
        }
    }

    func withFile<T>(_ path: String, context: inout Context, from: SourceLocation, _ body: (inout Context) throws -> T) throws -> T {
        let standardized = URL(fileURLWithPath: path).standardized.path
        guard !context.openFiles.contains(standardized), context.openFiles.count < 64 else {
            throw InputError(.playbookSyntax, "\(path) is imported from within itself: remove the cycle", at: from)
        }
        context.openFiles.append(standardized)
        defer { context.openFiles.removeLast() }
        return try body(&context)
    }

    func block(_ mapping: Node.Mapping, file: String, at location: SourceLocation, context: inout Context) throws -> Block {
        var result = Block(name: nil, tasks: [], rescue: [], always: [], keywords: [:], location: location)
        for (keyNode, value) in mapping {
            let key = try keyword(keyNode, allowed: Keywords.block, level: "block", file: file)
            switch key {
            case "block": result.tasks = try taskList(value, file: file, context: &context)
            case "rescue": result.rescue = try taskList(value, file: file, context: &context)
            case "always": result.always = try taskList(value, file: file, context: &context)
            case "name": result.name = try YAML.value(value, file: file).text
            case "vars": result.keywords[key] = .dict(try variables(value, file: file))
            default: result.keywords[key] = try YAML.value(value, file: file)
            }
            if !["block", "rescue", "always", "name"].contains(key) {
                result.keywordOrigins[key] = origin(value, file: file, everyString: Self.expressionKeywords.contains(key))
            }
        }
        return result
    }

    func task(_ mapping: Node.Mapping, file: String, at location: SourceLocation) throws -> Task {
        var keywords = OrderedDictionary<String, Value>()
        var keywordOrigins: [String: ValueOrigin] = [:]
        var moduleKey: (name: String, node: Node, value: Node)?
        var argsNode: Node?
        var name: String?
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? ""
            let keyAt = YAML.location(of: keyNode, in: file)
            if key != "name" && key != "args" && (Keywords.task.contains(key) || Keywords.isWithLoop(key)) {
                keywordOrigins[key] = origin(value, file: file, everyString: Self.expressionKeywords.contains(key))
            }
            if Keywords.task.contains(key) {
                switch key {
                case "name": name = try YAML.value(value, file: file).text
                case "args": argsNode = value
                case "action", "local_action":
                    guard moduleKey == nil else {
                        throw InputError(.playbookSyntax, "this task names two modules (`\(moduleKey!.name)` and `\(key)`): one task runs one module", at: keyAt)
                    }
                    moduleKey = (key, keyNode, value)
                    if key == "local_action" { keywords["delegate_to"] = .string("localhost") }
                case "loop_control":
                    if case .mapping(let fields) = value {
                        for (field, _) in fields {
                            _ = try keyword(field, allowed: Keywords.loopControl, level: "loop_control", file: file)
                        }
                    }
                    keywords[key] = try YAML.value(value, file: file)
                case "vars": keywords[key] = .dict(try variables(value, file: file))
                default: keywords[key] = try YAML.value(value, file: file)
                }
            } else if Keywords.isWithLoop(key) {
                let lookup = String(key.dropFirst(5))
                guard Keywords.withLoops.contains(lookup) else {
                    throw InputError(.unknownKeyword, "`\(key)` is not a loop Drover knows" + didYouMean(lookup, among: Keywords.withLoops), at: keyAt)
                }
                keywords[key] = try YAML.value(value, file: file)
            } else {
                guard moduleKey == nil else {
                    let known = ModuleSpec.builtin[ModuleSpec.canonicalName(key)] != nil
                    throw InputError(known ? .playbookSyntax : .unknownKeyword,
                        known ? "this task names two modules (`\(moduleKey!.name)` and `\(key)`): one task runs one module"
                              : "`\(key)` is not a task keyword or module" + didYouMean(key, among: Keywords.task.union(ModuleSpec.builtin.keys)),
                        at: keyAt)
                }
                moduleKey = (key, keyNode, value)
            }
        }
        guard let moduleKey else {
            throw InputError(.playbookSyntax, "this task has no module: add one such as `command:`, `copy:` or `debug:`", at: location)
        }
        var written = moduleKey.name
        var moduleNode = moduleKey.node
        let argumentsNode = moduleKey.value
        var inlineArguments: Value = try YAML.value(argumentsNode, file: file)
        if written == "action" || written == "local_action" {
            // `action: copy src=a dest=b` or `action: {module: copy, src: a}`.
            switch inlineArguments {
            case .string(let text):
                let parts = text.split(separator: " ", maxSplits: 1)
                written = parts.first.map(String.init) ?? ""
                inlineArguments = parts.count > 1 ? .string(String(parts[1])) : .null
            case .dict(var dict):
                written = dict.removeValue(forKey: "module")?.text ?? ""
                inlineArguments = .dict(dict)
            default:
                written = ""
            }
            moduleNode = argumentsNode
        }
        let module = ModuleSpec.canonicalName(written)
        guard let spec = ModuleSpec.builtin[module] else {
            throw InputError(.unknownModule, "unknown module `\(written)`" + didYouMean(module, among: ModuleSpec.builtin.keys)
                + " (Drover runs the modules listed in docs/ansible-compatibility.md)", at: YAML.location(of: moduleNode, in: file))
        }
        let argumentsAt = YAML.location(of: argumentsNode, in: file)
        var keyLocations = argumentLocations(argumentsNode, file: file)
        var arguments = try moduleArguments(inlineArguments, spec: spec, at: argumentsAt)
        let expressions = Self.expressionModules.contains(module)
        var argumentOrigins = self.argumentOrigins(argumentsNode, arguments: arguments, file: file, expressions: expressions)
        if let argsNode {
            keyLocations.merge(argumentLocations(argsNode, file: file)) { _, new in new }
            guard case .dict(let extra) = try YAML.value(argsNode, file: file) else {
                throw InputError(.playbookSyntax, "`args:` must be a mapping of module arguments", at: YAML.location(of: argsNode, in: file))
            }
            arguments.merge(extra) { _, new in new }
            argumentOrigins.merge(origin(argsNode, file: file, everyString: expressions).fields) { _, new in new }
        }
        try validate(arguments, spec: spec, at: YAML.location(of: moduleNode, in: file), keyLocations: keyLocations)
        if module == "meta" { try checkMeta(arguments, at: argumentsAt) }
        var task = Task(name: name, module: module, moduleAsWritten: written, arguments: arguments, keywords: keywords, location: location)
        task.argumentOrigins = argumentOrigins
        task.keywordOrigins = keywordOrigins
        return task
    }

    /// Where each argument key of a mapping stands, for precise errors.
    private func argumentLocations(_ node: Node, file: String) -> [String: SourceLocation] {
        guard case .mapping(let mapping) = node else { return [:] }
        var result: [String: SourceLocation] = [:]
        for (key, _) in mapping { result[key.scalar?.string ?? ""] = YAML.location(of: key, in: file) }
        return result
    }

    private func checkMeta(_ arguments: OrderedDictionary<String, Value>, at location: SourceLocation) throws {
        let actions = ["flush_handlers", "end_play", "end_host", "end_batch", "clear_host_errors", "noop", "refresh_inventory", "clear_facts", "reset_connection", "end_role"]
        let action = arguments["_raw_params"]?.text ?? ""
        guard actions.contains(action) else {
            throw InputError(.badArgument, "meta `\(action)` is not a meta action" + didYouMean(action, among: actions), at: location)
        }
    }
}
