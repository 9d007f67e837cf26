import DroverCore
import Foundation

/// copy: `content`, or a controller file (`src`), or a file on the host
/// (`remote_src`), to `dest`. A `src` directory is copied recursively.
struct CopyModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        guard let dest = args.string("dest") else { return .failure("dest is required") }
        if let content = args["content"] {
            // As Ansible: lists and dicts as JSON, scalars as Python's str() ("True", "8080").
            let text: String
            switch content {
            case .list, .dict: text = content.jsonText()
            default: text = content.text
            }
            return try await write(dest, Array(text.utf8), context)
        }
        guard let src = args.string("src") else { return .failure("src (or content) is required") }
        if args.bool("remote_src") {
            guard let bytes = try await context.agent.read(src) else { return .failure("Source \(src) not found") }
            return try await write(dest, bytes, context, nameInDirectory: (src as NSString).lastPathComponent)
        }
        guard let local = context.findLocalFile(src, subdirectory: "files") else {
            return .failure("Could not find or access '\(src)' on the Ansible Controller.")
        }
        var localIsDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: local, isDirectory: &localIsDirectory), localIsDirectory.boolValue {
            return try await copyTree(local, src: src, dest: dest, context)
        }
        guard let data = FileManager.default.contents(atPath: local) else { return .failure("cannot read \(local)") }
        var result = try await write(dest, Array(data), context, nameInDirectory: (local as NSString).lastPathComponent)
        result.values["src"] = .string(local)
        return result
    }

    /// With `nameInDirectory`, a `dest` that is a directory gets the file
    /// inside it under that name.
    private func write(_ dest: String, _ bytes: [UInt8], _ context: ModuleContext,
                       nameInDirectory: String = "") async throws -> ModuleResult {
        if context.arguments.bool("force", default: true), FileContent.canPut(context, context.arguments) {
            return try await FileContent.put(dest, content: bytes, context: context, current: nil, state: nil,
                                             nameInDirectory: nameInDirectory)
        }
        var dest = dest
        if !nameInDirectory.isEmpty, try await isDirectory(dest, context) {
            dest = (dest.hasSuffix("/") ? dest : dest + "/") + nameInDirectory
        }
        let state = try await context.agent.stat(dest)
        if state.exists && !context.arguments.bool("force", default: true) {
            return ModuleResult(msg: "file already exists", values: ["dest": .string(dest)])
        }
        return try await FileContent.ensure(dest, content: bytes, context: context, state: state)
    }

    /// `src: dir/` copies the directory's contents; `src: dir` the directory itself.
    private func copyTree(_ local: String, src: String, dest: String, _ context: ModuleContext) async throws -> ModuleResult {
        let base = src.hasSuffix("/") ? dest : "\(dest)/\((local as NSString).lastPathComponent)"
        var result = ModuleResult()
        guard let walker = FileManager.default.enumerator(atPath: local) else { return .failure("cannot read \(local)") }
        var files: [String] = []
        for case let relative as String in walker { files.append(relative) }
        if !(try await context.agent.stat(base)).isDirectory {
            result.changed = true
            if !context.checkMode {
                try await context.agent.mkdir(base, mode: context.arguments.mode("directory_mode") ?? "")
                result.undo.append(.createdDirectory(path: base))
            }
        }
        for relative in files.sorted() {
            let path = "\(local)/\(relative)"
            var entryIsDirectory: ObjCBool = false
            let target = "\(base)/\(relative)"
            if FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory), entryIsDirectory.boolValue {
                if !(try await context.agent.stat(target)).isDirectory {
                    result.changed = true
                    if !context.checkMode {
                        try await context.agent.mkdir(target)
                        result.undo.append(.createdDirectory(path: target))
                    }
                }
                continue
            }
            let one = try await write(target, Array(FileManager.default.contents(atPath: path) ?? Data()), context)
            if one.failed { return one }
            result.changed = result.changed || one.changed
            result.diffs += one.diffs
            result.undo += one.undo
        }
        result.values["dest"] = .string(base)
        return result
    }
}

/// `dest/` or an existing directory: the file goes inside it.
func isDirectory(_ dest: String, _ context: ModuleContext) async throws -> Bool {
    if dest.hasSuffix("/") { return true }
    return try await context.agent.stat(dest).isDirectory
}

/// template: render a controller-side Jinja2 file with the host's
/// variables, then write it like copy.
struct TemplateModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        guard let src = args.string("src"), let dest = args.string("dest") else { return .failure("src and dest are required") }
        guard let local = context.findLocalFile(src, subdirectory: "templates"),
              let data = FileManager.default.contents(atPath: local) else {
            return .failure("Could not find or access '\(src)' on the Ansible Controller.")
        }
        let text: String
        do {
            text = try Template(source: String(decoding: data, as: UTF8.self), name: local).render(
                TemplateFileContext(base: context.variables, path: local))
        } catch let error {
            return .failure("AnsibleError: template error while templating \(src): \(error)")
        }
        var target = dest
        if try await isDirectory(dest, context) {
            target = (dest.hasSuffix("/") ? dest : dest + "/") + ((src as NSString).lastPathComponent as NSString).deletingPathExtension
        }
        var result = try await FileContent.ensure(target, content: Array(text.utf8), context: context)
        result.values["src"] = .string(local)
        return result
    }
}

/// Adds the `template_*` variables Ansible defines inside template files.
struct TemplateFileContext: TemplateContext {
    let base: any TemplateContext
    let path: String

    func variable(named name: String) -> Value? {
        switch name {
        case "template_path", "template_fullpath": return .string(path)
        case "template_host": return .string(ProcessInfo.processInfo.hostName)
        case "template_destpath": return nil
        default: return base.variable(named: name)
        }
    }
    func location(ofVariable name: String) -> SourceLocation? { base.location(ofVariable: name) }
    var checkMode: Bool { base.checkMode }
    var searchPaths: [String] { [(path as NSString).deletingLastPathComponent] + base.searchPaths }
    func environmentVariable(_ name: String) -> String? { base.environmentVariable(name) }
    var controllerAccess: ControllerAccess { base.controllerAccess }
}
