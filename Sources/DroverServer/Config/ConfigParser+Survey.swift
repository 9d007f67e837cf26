import DroverCore
import Foundation
import Yams

extension ConfigParser {
    static let fieldKeys: Set<String> = ["name", "type", "description", "required", "default", "min", "max", "regex", "choices"]

    func survey(_ node: Node) throws -> [SurveyField] {
        guard case .sequence(let items) = node else {
            throw error(.playbookSyntax, "`survey:` is a list of fields (`- name: …, type: …`)", at: node)
        }
        var fields: [SurveyField] = []
        for item in items {
            let field = try surveyField(item)
            guard !fields.contains(where: { $0.name == field.name }) else {
                throw error(.playbookSyntax, "survey field `\(field.name)` is declared twice", at: item)
            }
            fields.append(field)
        }
        return fields
    }

    func surveyField(_ node: Node) throws -> SurveyField {
        let mapping = try self.mapping(node, what: "a survey field", hint: "a mapping with `name:` and `type:`")
        var field = SurveyField(name: "", kind: .string, location: YAML.location(of: node, in: file))
        var defaultNode: Node?
        for (keyNode, value) in mapping {
            switch try key(keyNode, allowed: Self.fieldKeys, level: "survey field") {
            case "name":
                field.name = try name(value)
                guard isValidVariableName(field.name) else {
                    throw error(.playbookSyntax, "survey field `\(field.name)` becomes a variable: use letters, digits and underscores", at: value)
                }
            case "type": field.kind = try choice(value, what: "type", SurveyField.Kind.self)
            case "description": field.description = try string(value, what: "description")
            case "required": field.required = try bool(value, what: "required")
            case "default": defaultNode = value
            case "min": field.min = try int(value, what: "min")
            case "max": field.max = try int(value, what: "max")
            case "regex":
                let pattern = try string(value, what: "regex")
                guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                    throw error(.badArgument, "`regex:` `\(pattern)` is not a valid regular expression", at: value)
                }
                field.regex = pattern
            case "choices": field.choices = try strings(value, what: "choices")
            default: break
            }
        }
        guard !field.name.isEmpty else { throw error(.playbookSyntax, "this survey field has no `name:`", at: node) }
        if [.choice, .multiChoice].contains(field.kind) && field.choices.isEmpty {
            throw error(.playbookSyntax, "survey field `\(field.name)` is a \(field.kind.rawValue): list its `choices:`", at: node)
        }
        if let min = field.min, let max = field.max, min > max {
            throw error(.playbookSyntax, "survey field `\(field.name)`: `min:` \(min) is above `max:` \(max)", at: node)
        }
        if let defaultNode {
            guard field.kind != .secret else {
                throw error(.playbookSyntax, "survey field `\(field.name)` is a secret: a default would sit in drover.yml; remove it", at: defaultNode)
            }
            let value = try YAML.value(defaultNode, file: file)
            if case .failure(let problem) = field.check(value) {
                throw error(.badArgument, "the default of `\(field.name)` breaks its own rule: \(problem)", at: defaultNode)
            }
            field.defaultValue = value
        }
        return field
    }
}
