import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// stat: facts about a path, in Ansible's `stat` dictionary.
struct StatModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        guard let path = context.arguments.string("path") else { return .failure("path is required") }
        let algorithm = context.arguments.string("checksum_algorithm") ?? "sha1"
        let known = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"].contains(algorithm)
        let wantsChecksum = context.arguments.bool("get_checksum", default: true) && known
        // The digest comes with the stat: one request.
        let s = try await context.agent.stat([path], algorithm: wantsChecksum ? algorithm : nil)[0]
        var stat: OrderedDictionary<String, Value> = ["exists": .bool(s.exists)]
        if s.exists {
            stat["path"] = .string(path)
            stat["isreg"] = .bool(s.kind == .file)
            stat["isdir"] = .bool(s.kind == .directory)
            stat["islnk"] = .bool(s.kind == .link)
            if let m = s.modeText { stat["mode"] = .string(m) }
            if let v = s.uid { stat["uid"] = .int(v) }
            if let v = s.gid { stat["gid"] = .int(v) }
            if let v = s.owner { stat["pw_name"] = .string(v) }
            if let v = s.group { stat["gr_name"] = .string(v) }
            if let v = s.size { stat["size"] = .int(v) }
            if let v = s.mtime { stat["mtime"] = .double(Double(v)) }
            if let v = s.target { stat["lnk_source"] = .string(v); stat["lnk_target"] = .string(v) }
            if let mode = s.mode.flatMap({ Int($0, radix: 8) }) {
                stat["readable"] = .bool(true)
                stat["xusr"] = .bool(mode & 0o100 != 0)
                stat["executable"] = .bool(mode & 0o111 != 0)
            }
            if s.isFile, let checksum = s.checksum { stat["checksum"] = .string(checksum) }
        }
        return ModuleResult(values: ["stat": .dict(stat)])
    }
}

/// slurp: a file's content, base64-encoded.
struct SlurpModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        guard let path = context.arguments.string("src") else { return .failure("src is required") }
        guard let bytes = try await context.agent.read(path) else { return .failure("file not found: \(path)") }
        return ModuleResult(values: ["content": .string(Data(bytes).base64EncodedString()),
                                     "encoding": .string("base64"), "source": .string(path)])
    }
}

/// debug: prints `msg` or a variable's value.
struct DebugModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        if let variable = context.arguments["var"] {
            let name = variable.text
            let value: Value
            do {
                let origin = context.task.argumentOrigins["var"] ?? ValueOrigin(location: context.task.location)
                value = try Template.evaluate(expression: name, origin: origin, context: context.variables)
            } catch {
                return ModuleResult(values: [name: .string("VARIABLE IS NOT DEFINED!")])
            }
            return ModuleResult(values: [name: value])
        }
        let msg = context.arguments["msg"] ?? .string("Hello world!")
        var result = ModuleResult()
        result.values["msg"] = msg
        return result
    }
}

/// assert: every `that` expression must be true.
struct AssertModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let that: [Value]
        switch context.arguments["that"] {
        case .list(let items)?: that = items
        case let v?: that = [v]
        case nil: return .failure("that is required")
        }
        let origins = context.task.argumentOrigins["that"] ?? ValueOrigin(location: context.task.location)
        for (index, condition) in that.enumerated() {
            let ok: Bool
            do {
                let origin = origins.items.isEmpty ? origins : origins.item(index) ?? origins
                ok = try Template.evaluateCondition(condition.text, origin: origin, context: context.variables)
            } catch {
                return .failure("The conditional check '\(condition.text)' failed. The error was: \(error)")
            }
            if !ok {
                var result = ModuleResult.failure(context.arguments.string("fail_msg") ?? "Assertion failed")
                result.values["assertion"] = .string(condition.text)
                result.values["evaluated_to"] = .bool(false)
                return result
            }
        }
        return ModuleResult(msg: context.arguments.string("success_msg") ?? "All assertions passed")
    }
}

struct FailModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        .failure(context.arguments.string("msg") ?? "Failed as requested from task")
    }
}

struct PingModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let data = context.arguments.string("data") ?? "pong"
        if data == "crash" { return .failure("boom") }
        return ModuleResult(values: ["ping": .string(data)])
    }
}

/// setup: the agent's facts, as `ansible_facts`.
struct SetupModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let facts = HostFacts.parse(try await context.agent.facts())
        var result = ModuleResult(values: ["ansible_facts": .dict(facts)])
        result.facts = facts
        return result
    }
}

/// set_fact: the (rendered) arguments become host variables.
struct SetFactModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        var result = ModuleResult()
        for (key, value) in context.arguments.values where key != "cacheable" {
            result.facts[key] = value
        }
        result.values["ansible_facts"] = .dict(result.facts)
        return result
    }
}
