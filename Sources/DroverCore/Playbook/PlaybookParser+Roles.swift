import Foundation
import OrderedCollections
import Yams

extension PlaybookParser {
    /// `- nginx`, `- role: nginx` with keywords and parameters, or `- name: nginx`.
    func roleReference(_ node: Node, file: String, context: inout Context) throws -> RoleReference {
        let at = YAML.location(of: node, in: file)
        var name: String?
        var parameters = OrderedDictionary<String, Value>()
        var keywords = OrderedDictionary<String, Value>()
        switch node {
        case .scalar(let scalar):
            name = scalar.string
        case .mapping(let mapping):
            for (keyNode, value) in mapping {
                let key = keyNode.scalar?.string ?? ""
                if key == "role" || (key == "name" && name == nil) {
                    name = try YAML.value(value, file: file).text
                } else if Keywords.role.contains(key) {
                    keywords[key] = key == "vars" ? .dict(try variables(value, file: file)) : try YAML.value(value, file: file)
                } else {
                    parameters[key] = try YAML.value(value, file: file)
                }
            }
        default:
            break
        }
        guard let name, !name.isEmpty else {
            throw InputError(.playbookSyntax, "a role entry needs a name: `- nginx` or `- role: nginx`", at: at)
        }
        let role = try loadRole(name, from: file, at: at, tasksFrom: nil, context: &context)
        return RoleReference(name: name, parameters: parameters, keywords: keywords, role: role, location: at)
    }

    /// Finds `roles/NAME` beside the file, beside the playbook's directory,
    /// or in the roles path, and reads its parts.
    func loadRole(_ name: String, from file: String, at location: SourceLocation, tasksFrom: String?, context: inout Context) throws -> Role {
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
        var candidates = name.contains("/") ? [resolve(name, relativeTo: file)] : []
        // Beside the naming file, beside the playbook, next to the role that
        // names it (for meta dependencies), then the roles path.
        candidates += ["\(directory)/roles/\(name)"]
        candidates += context.playbookDirectories.map { "\($0)/roles/\(name)" }
        if let current = context.roleStack.last.map({ String($0[..<($0.firstIndex(of: "#") ?? $0.endIndex)]) }) {
            candidates.append(URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(name).path)
        }
        candidates += ["\(directory)/\(name)"] + rolesPath.map { "\($0)/\(name)" }
        var seen = Set<String>()
        candidates = candidates.map { URL(fileURLWithPath: $0).standardized.path }.filter { seen.insert($0).inserted }
        guard let path = candidates.first(where: { isDirectory($0) }) else {
            throw InputError(.fileNotFound,
                "role `\(name)` was not found (looked in \(candidates.joined(separator: ", "))): check the name or add its directory to the roles path",
                at: location)
        }
        let key = "\(URL(fileURLWithPath: path).standardized.path)#\(tasksFrom ?? "main")"
        if let cached = context.roleCache[key] { return cached }
        guard !context.roleStack.contains(key), context.roleStack.count < 32 else {
            throw InputError(.playbookSyntax, "role `\(name)` depends on itself (\(context.roleStack.joined(separator: " -> "))): remove the cycle", at: location)
        }
        context.roleStack.append(key)
        defer { context.roleStack.removeLast() }

        var role = Role(name: name, path: path, tasks: [], handlers: [], defaults: [:], vars: [:], dependencies: [])
        if let (file, root) = try part(path, "tasks", tasksFrom ?? "main", at: location) {
            role.tasks = try withFile(file, context: &context, from: location) { try taskList(root, file: file, context: &$0) }
        } else if let tasksFrom {
            throw InputError(.fileNotFound, "role `\(name)` has no tasks/\(tasksFrom).yml", at: location)
        }
        if let (file, root) = try part(path, "handlers", "main", at: location) {
            role.handlers = try withFile(file, context: &context, from: location) { try taskList(root, file: file, context: &$0) }
        }
        if let (file, root) = try part(path, "defaults", "main", at: location) {
            role.defaults = try variables(root, file: file)
            role.defaultsOrigin = origin(root, file: file)
        }
        if let (file, root) = try part(path, "vars", "main", at: location) {
            role.vars = try variables(root, file: file)
            role.varsOrigin = origin(root, file: file)
        }
        if let (file, root) = try part(path, "meta", "main", at: location), case .mapping(let meta) = root,
           let dependencies = meta.first(where: { $0.key.scalar?.string == "dependencies" })?.value,
           case .sequence(let items) = dependencies {
            for item in items { role.dependencies.append(try roleReference(item, file: file, context: &context)) }
        }
        context.roleCache[key] = role
        return role
    }

    /// `ROLE/SECTION/NAME.yml`, `.yaml` or no extension, parsed.
    private func part(_ role: String, _ section: String, _ name: String, at location: SourceLocation) throws -> (String, Node)? {
        for ext in [".yml", ".yaml", ""] {
            let file = "\(role)/\(section)/\(name)\(ext)"
            if FileManager.default.fileExists(atPath: file), !isDirectory(file) {
                guard let root = try load(file, from: location) else { return nil }
                return (file, root)
            }
        }
        return nil
    }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}
