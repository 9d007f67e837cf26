import Foundation
import OrderedCollections

/// `drover check`'s template syntax check: every templated string the
/// playbook can reach (task arguments and keywords, `when`-like
/// conditions, loops, vars, role defaults and vars, statically named
/// include files and roles) and every `template: src=` file found in the
/// role or playbook `templates/` folders must parse. Errors point at the
/// faulty expression (file:line:column) and say how to fix it. Nothing is
/// rendered: undefined variables are `PlaybookVariableCheck`'s business.
public struct PlaybookTemplateCheck {
    private let playbookDirectory: String
    private var errors: [TemplateError] = []
    /// Roles, include files and template files already checked.
    private var visited = Set<String>()

    public static func check(_ playbook: Playbook) -> [TemplateError] {
        var checker = PlaybookTemplateCheck(playbookDirectory: (playbook.path as NSString).deletingLastPathComponent)
        for play in playbook.plays { checker.play(play) }
        var seen = Set<String>()
        return checker.errors.filter { seen.insert($0.description).inserted }
    }

    private init(playbookDirectory: String) {
        self.playbookDirectory = playbookDirectory.isEmpty ? "." : playbookDirectory
    }

    private mutating func play(_ play: Play) {
        templates(.dict(play.vars), origin: play.varsOrigin, fallback: play.location)
        for reference in play.roles { role(reference.role, at: reference.location) }
        nodes(play.preTasks + play.tasks + play.postTasks + play.handlers, rolePath: nil)
    }

    private mutating func role(_ role: Role, at location: SourceLocation) {
        guard visited.insert("role:\(role.path)").inserted else { return }
        for dependency in role.dependencies { self.role(dependency.role, at: dependency.location) }
        templates(.dict(role.defaults), origin: role.defaultsOrigin, fallback: location)
        templates(.dict(role.vars), origin: role.varsOrigin, fallback: location)
        nodes(role.tasks + role.handlers, rolePath: role.path)
    }

    private mutating func nodes(_ nodes: [TaskNode], rolePath: String?) {
        for node in nodes {
            switch node {
            case .task(let task):
                self.task(task, rolePath: rolePath)
            case .include(let task):
                self.task(task, rolePath: rolePath)
                include(task, rolePath: rolePath)
            case .block(let block):
                keywords(block.keywords, origins: block.keywordOrigins, fallback: block.location)
                self.nodes(block.tasks + block.rescue + block.always, rolePath: rolePath)
            }
        }
    }

    private mutating func task(_ task: Task, rolePath: String?) {
        keywords(task.keywords, origins: task.keywordOrigins, fallback: task.location)
        for (key, value) in task.arguments {
            let origin = task.argumentOrigins[key]
            if PlaybookParser.expressionModules.contains(task.module) && ["var", "that"].contains(key) {
                expressions(value, origin: origin, fallback: task.location)
            } else {
                templates(value, origin: origin, fallback: task.location)
            }
        }
        if task.module == "template", let source = task.arguments["src"]?.stringValue, !Template.containsTemplate(source) {
            templateFile(source, rolePath: rolePath, beside: task.location.file)
        }
    }

    private mutating func keywords(_ keywords: OrderedDictionary<String, Value>, origins: [String: ValueOrigin], fallback: SourceLocation) {
        for (key, value) in keywords {
            if PlaybookParser.expressionKeywords.contains(key) {
                expressions(value, origin: origins[key], fallback: fallback)
            } else {
                templates(value, origin: origins[key], fallback: fallback)
            }
        }
    }

    /// Bare expressions (`when:` and the like), a string or a list of them.
    private mutating func expressions(_ value: Value, origin: ValueOrigin?, fallback: SourceLocation) {
        switch value {
        case .string(let text):
            record { () throws(TemplateError) in try Template.checkExpression(text, origin: origin ?? ValueOrigin(location: fallback)) }
        case .list(let items):
            for (index, item) in items.enumerated() { expressions(item, origin: origin?.item(index), fallback: fallback) }
        default:
            break
        }
    }

    /// Every templated string inside a value.
    private mutating func templates(_ value: Value, origin: ValueOrigin?, fallback: SourceLocation) {
        switch value {
        case .string(let text) where Template.containsTemplate(text):
            record { () throws(TemplateError) in _ = try Template(source: text, origin: origin ?? ValueOrigin(location: fallback)) }
        case .list(let items):
            for (index, item) in items.enumerated() { templates(item, origin: origin?.item(index), fallback: fallback) }
        case .dict(let fields):
            for (key, item) in fields { templates(item, origin: origin?[key], fallback: fallback) }
        default:
            break
        }
    }

    private mutating func record(_ parse: () throws(TemplateError) -> Void) {
        do { try parse() } catch { errors.append(error) }
    }
}

extension PlaybookTemplateCheck {
    /// `include_tasks` / `include_role` with a literal name: what they
    /// will include is known now (the parser already read it).
    private mutating func include(_ task: Task, rolePath: String?) {
        let parser = PlaybookParser()
        if task.module == "include_role" {
            guard let name = task.arguments["name"]?.stringValue, !Template.containsTemplate(name),
                  let role = try? parser.loadRole(named: name, from: task.location.file, tasksFrom: task.arguments["tasks_from"]?.stringValue)
            else { return }
            self.role(role, at: task.location)
            return
        }
        guard let name = (task.arguments["file"] ?? task.arguments["_raw_params"])?.stringValue, !Template.containsTemplate(name) else { return }
        let path = name.hasPrefix("/") ? name : "\((task.location.file as NSString).deletingLastPathComponent)/\(name)"
        guard visited.insert("tasks:\(path)").inserted, let tasks = try? parser.parseTaskFile(path) else { return }
        nodes(tasks, rolePath: rolePath)
    }

    /// A `template:` source found where the template module looks first:
    /// the role, the task file's folder, the playbook's (each `templates/`
    /// subfolder, then the folder itself). Not found: the run will say so.
    private mutating func templateFile(_ source: String, rolePath: String?, beside file: String) {
        let bases = [rolePath, (file as NSString).deletingLastPathComponent, playbookDirectory].compactMap { $0 }
        let candidates = source.hasPrefix("/") ? [source] : bases.flatMap { ["\($0)/templates/\(source)", "\($0)/\(source)"] }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
              visited.insert("template:\(path)").inserted,
              let data = FileManager.default.contents(atPath: path) else { return }
        record { () throws(TemplateError) in _ = try Template(source: String(decoding: data, as: UTF8.self), name: path) }
    }
}
