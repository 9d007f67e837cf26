import DroverCore
import Foundation

/// lineinfile, blockinfile and replace: the new content is computed on the
/// controller (TextEdit) and written only when it differs.
enum TextEditModule {
    static func edit(_ context: ModuleContext, createAllowed: Bool, absentMissingIsOK: Bool,
                     _ compute: (String?) throws(TextEditError) -> TextEditResult) async throws -> ModuleResult {
        guard let path = context.arguments.string("path") else { return .failure("path is required") }
        var (state, current): (PathState, [UInt8]?)
        switch try await editKnown(path, context, compute) {
        case .done(let result): return result
        case .found(let foundState, let bytes): (state, current) = (foundState, bytes)
        case .unknown: (state, current) = try await context.agent.readWithState(path)
        }
        if state.exists && !state.isFile {
            return .failure("Path \(path) is a \(state.kind?.rawValue ?? "special file")")
        } else if !state.exists && !createAllowed && !absentMissingIsOK {
            return ModuleResult(failed: true, msg: "Destination \(path) does not exist !", values: ["rc": .int(257)])
        }
        let computed: TextEditResult
        do {
            computed = try compute(current.map { String(decoding: $0, as: UTF8.self) })
        } catch {
            return .failure(error.message)
        }
        if !computed.changed && !state.exists {
            return ModuleResult(msg: computed.message)
        }
        var result: ModuleResult
        if computed.changed {
            result = try await FileContent.ensure(path, content: Array(computed.content.utf8), context: context,
                                                  current: current ?? [], state: state)
        } else {
            result = ModuleResult()
            result.changed = try await FileAttributes.apply(path, mode: context.arguments.mode(), owner: context.arguments.ownership,
                                                            state: state, context: context, result: &result)
        }
        return finished(result, computed)
    }

    static func finished(_ result: ModuleResult, _ computed: TextEditResult) -> ModuleResult {
        var result = result
        result.msg = computed.message
        if let found = computed.found { result.values["found"] = .int(found) }
        result.values.removeValue(forKey: "checksum")
        result.values.removeValue(forKey: "size")
        result.values.removeValue(forKey: "state")
        return result
    }

    enum KnownEdit {
        case done(ModuleResult)
        /// The write found the file changed: its state and bytes now.
        case found(PathState, [UInt8]?)
        case unknown
    }

    /// An edit of a file this run already knows (`ContentCache`) that
    /// changes it: one write that expects the file as known, no read.
    /// An edit that changes nothing still reads (nothing would check the
    /// file otherwise), as does one in check or diff mode.
    static func editKnown(_ path: String, _ context: ModuleContext,
                          _ compute: (String?) throws(TextEditError) -> TextEditResult) async throws -> KnownEdit {
        guard FileContent.canPut(context, context.arguments), let known = context.agent.contents?.known(path),
              let computed = try? compute(String(decoding: known.bytes, as: UTF8.self)), computed.changed else { return .unknown }
        do {
            let result = try await FileContent.put(path, content: Array(computed.content.utf8), context: context,
                                                   current: known.bytes, state: known.state, expecting: known.sha256)
            return .done(finished(result, computed))
        } catch let stale as StaleContent {
            return .found(stale.state, stale.bytes)
        }
    }
}

struct LineInFileModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let a = context.arguments
        let absent = a.string("state") == "absent"
        if !absent && a["line"] == nil { return .failure("line is required with state=present") }
        if a.bool("backrefs") && a.string("regexp") == nil { return .failure("regexp is required with backrefs=true") }
        let edit = LineInFileEdit(line: a.string("line"), regexp: a.string("regexp"), searchString: a.string("search_string"),
                                  state: absent ? .absent : .present, insertAfter: a.string("insertafter"),
                                  insertBefore: a.string("insertbefore"), backrefs: a.bool("backrefs"), firstMatch: a.bool("firstmatch"))
        return try await TextEditModule.edit(context, createAllowed: a.bool("create") && !a.bool("backrefs"), absentMissingIsOK: absent) {
            (content) throws(TextEditError) in try edit.apply(to: content)
        }
    }
}

struct BlockInFileModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let a = context.arguments
        let absent = a.string("state") == "absent"
        let edit = BlockInFileEdit(block: a.string("block") ?? "", marker: a.string("marker") ?? "# {mark} ANSIBLE MANAGED BLOCK",
                                   markerBegin: a.string("marker_begin") ?? "BEGIN", markerEnd: a.string("marker_end") ?? "END",
                                   state: absent ? .absent : .present, insertAfter: a.string("insertafter"),
                                   insertBefore: a.string("insertbefore"), appendNewline: a.bool("append_newline"),
                                   prependNewline: a.bool("prepend_newline"))
        let path = a.string("path") ?? ""
        return try await TextEditModule.edit(context, createAllowed: a.bool("create"), absentMissingIsOK: absent) {
            (content) throws(TextEditError) in try edit.apply(to: content, path: path)
        }
    }
}

struct ReplaceModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let a = context.arguments
        let edit = ReplaceEdit(regexp: a.string("regexp") ?? "", replace: a.string("replace") ?? "",
                               after: a.string("after"), before: a.string("before"))
        return try await TextEditModule.edit(context, createAllowed: false, absentMissingIsOK: false) {
            (content) throws(TextEditError) in try edit.apply(to: content ?? "")
        }
    }
}
