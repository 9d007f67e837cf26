import DroverCore
import Foundation
import OrderedCollections

/// include_vars: variables from a controller-side YAML/JSON file (or every
/// such file of a directory, sorted), looked up like Ansible: absolute, else
/// the role's or task file's `vars/` folder, then beside it.
struct IncludeVarsModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        var files: [String] = []
        if let dir = args.string("dir") {
            guard let found = context.findLocalFile(dir, subdirectory: "vars") else {
                return .failure("Unable to find '\(dir)' in expected paths")
            }
            let extensions = args.list("extensions") ?? ["yaml", "yml", "json"]
            let pattern = args.string("files_matching").flatMap { try? NSRegularExpression(pattern: $0) }
            let ignored = Set(args.list("ignore_files") ?? [])
            let names = (try? FileManager.default.contentsOfDirectory(atPath: found)) ?? []
            for name in names.sorted() where extensions.contains((name as NSString).pathExtension) && !ignored.contains(name) {
                if let pattern, pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) == nil { continue }
                files.append("\(found)/\(name)")
            }
        } else if let file = args.string("file") ?? args.string("_raw_params") {
            guard let found = context.findLocalFile(file, subdirectory: "vars") else {
                return .failure("Could not find or access '\(file)'")
            }
            files.append(found)
        } else {
            return .failure("one of file, dir or a free-form path is required")
        }
        var loaded = OrderedDictionary<String, Value>()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { return .failure("Could not read '\(file)'") }
            let value: Value
            do {
                guard let node = try YAML.compose(String(decoding: data, as: UTF8.self), file: file) else { continue }
                value = try YAML.value(node, file: file)
            } catch {
                return .failure("\(error)")
            }
            guard case .dict(let vars) = value else { return .failure("\(file) must contain a mapping of variables") }
            loaded.merge(vars) { _, new in new }
        }
        if let name = args.string("name") { loaded = [name: .dict(loaded)] }
        var result = ModuleResult(values: ["ansible_included_var_files": .list(files.map(Value.string))])
        result.values["ansible_facts"] = .dict(loaded)
        result.includedVars = loaded
        return result
    }
}
