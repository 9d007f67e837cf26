import DroverCore
import Foundation
import OrderedCollections
import Yams

/// Reads `DIR/drover.yml` the way playbooks are read: every key checked,
/// errors at file:line:column with a did-you-mean, every template's
/// playbook parsed, so a config that loads can launch.
public struct ConfigParser {
    public let directory: String
    var file: String { ProjectConfig.fileName(in: directory) }

    static let topKeys: Set<String> = ["templates"]
    static let templateKeys: Set<String> = ["name", "playbook", "inventory", "limit", "extra_vars", "forks", "check", "tags",
                                            "survey", "overridable", "concurrency", "lock_wait", "timeout", "grants"]

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory).standardized.path
    }

    public func load() throws -> ProjectConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw InputError(.fileNotFound, "cannot read \(file): create it with a `templates:` list (see docs/server.md)")
        }
        return try parse(String(decoding: data, as: UTF8.self))
    }

    public func parse(_ text: String) throws -> ProjectConfig {
        var config = ProjectConfig(directory: directory, file: file, templates: [:])
        guard let root = try YAML.compose(text, file: file) else { return config }
        let mapping = try self.mapping(root, what: "drover.yml", hint: "a mapping with a `templates:` list")
        for (keyNode, value) in mapping {
            _ = try key(keyNode, allowed: Self.topKeys, level: "top-level")
            guard case .sequence(let items) = value else {
                throw error(.playbookSyntax, "`templates:` is a list of templates (`- name: …`)", at: value)
            }
            for item in items {
                let template = try parseTemplate(item)
                if let earlier = config.templates[template.name] {
                    throw InputError(.playbookSyntax, "template `\(template.name)` is declared twice (first at \(earlier.location)): rename one",
                                     at: template.location)
                }
                config.templates[template.name] = template
            }
        }
        return config
    }

    func parseTemplate(_ node: Node) throws -> JobTemplate {
        let at = YAML.location(of: node, in: file)
        let mapping = try self.mapping(node, what: "a template", hint: "a mapping with `name:` and `playbook:`")
        var template = JobTemplate(name: "", playbook: "", inventory: [], limit: nil, extraVars: [:], forks: nil, checkAllowed: true,
                                   tags: [], survey: [], overridable: [], concurrency: .queue, lockWait: nil, timeout: nil, grants: [],
                                   location: at)
        var playbookNode: Node?
        for (keyNode, value) in mapping {
            switch try key(keyNode, allowed: Self.templateKeys, level: "template") {
            case "name": template.name = try name(value)
            case "playbook":
                template.playbook = try projectPath(value, what: "playbook")
                playbookNode = value
            case "inventory": template.inventory = try strings(value, what: "inventory").map { try projectPath($0, at: value, what: "inventory") }
            case "limit": template.limit = try string(value, what: "limit")
            case "extra_vars":
                guard case .dict(let dict) = try YAML.value(value, file: file) else {
                    throw error(.playbookSyntax, "`extra_vars:` is a mapping of `name: value`", at: value)
                }
                template.extraVars = dict
            case "forks": template.forks = try int(value, what: "forks", range: 1...1000)
            case "check": template.checkAllowed = try bool(value, what: "check")
            case "tags": template.tags = try strings(value, what: "tags")
            case "survey": template.survey = try survey(value)
            case "overridable": template.overridable = try overridable(value)
            case "concurrency": template.concurrency = try choice(value, what: "concurrency", ConcurrencyPolicy.self)
            case "lock_wait": template.lockWait = try duration(value, what: "lock_wait")
            case "timeout": template.timeout = try duration(value, what: "timeout")
            case "grants": template.grants = try strings(value, what: "grants")
            default: break
            }
        }
        guard !template.name.isEmpty else { throw InputError(.playbookSyntax, "this template has no `name:`", at: at) }
        guard let playbookNode else {
            throw InputError(.playbookSyntax, "template `\(template.name)` has no `playbook:`: name a playbook file in the project", at: at)
        }
        guard !template.inventory.isEmpty else {
            throw InputError(.playbookSyntax, "template `\(template.name)` has no `inventory:`: name an inventory file in the project", at: at)
        }
        try checkPlaybook(template, at: playbookNode)
        return template
    }

    /// The playbook must parse with the variables the template provides.
    func checkPlaybook(_ template: JobTemplate, at node: Node) throws {
        guard FileManager.default.fileExists(atPath: template.playbook) else {
            throw error(.fileNotFound, "playbook \(template.playbook) does not exist", at: node)
        }
        let names = Set(template.extraVars.keys).union(template.survey.map(\.name))
        _ = try PlaybookParser(extraVariableNames: names).parse(file: template.playbook)
    }
}
