import DroverCore
import Foundation

/// A module's logic: Swift on the controller over the agent's primitives.
public protocol Module: Sendable {
    func run(_ context: ModuleContext) async throws -> ModuleResult
}

/// Everything a module may use for one host and one task (one loop item).
public struct ModuleContext: Sendable {
    public let host: String
    public let agent: AgentClient
    public let arguments: ModuleArguments
    public let task: Task
    public let checkMode: Bool
    public let diffMode: Bool
    /// The host's variables at this task, for `debug: var=` and templates.
    public let variables: any TemplateContext
    /// `environment:` of the task, for commands.
    public let environment: [(String, String)]
    /// Controller-side directories searched for `src:` (role files/ first).
    public let searchPaths: [String]
    /// When the run started (`collect` gathers journal lines from then).
    public var runStarted = Date()
    /// A new agent for the host after a module's own command ended the
    /// connection (reboot): the engine drops the dead agent, connects again
    /// and keeps the new one for the next tasks.
    public var reconnect: (@Sendable () async throws -> AgentClient)?

    /// A controller-side file named by `src`, found as Ansible finds it:
    /// absolute, else under each search path's `subdirectory` then itself.
    public func findLocalFile(_ name: String, subdirectory: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        for base in searchPaths {
            for candidate in ["\(base)/\(subdirectory)/\(name)", "\(base)/\(name)"]
            where FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}

/// The modules `drover run` can execute, by canonical name.
public enum ModuleRegistry {
    public static let modules: [String: any Module] = core
        .merging(transfer) { a, _ in a }
        .merging(system) { a, _ in a }

    static let core: [String: any Module] = [
        "command": CommandModule(kind: .command),
        "shell": CommandModule(kind: .shell),
        "raw": CommandModule(kind: .raw),
        "script": ScriptModule(),
        "copy": CopyModule(),
        "template": TemplateModule(),
        "file": FileModule(),
        "lineinfile": LineInFileModule(),
        "blockinfile": BlockInFileModule(),
        "replace": ReplaceModule(),
        "stat": StatModule(),
        "slurp": SlurpModule(),
        "debug": DebugModule(),
        "assert": AssertModule(),
        "fail": FailModule(),
        "ping": PingModule(),
        "setup": SetupModule(),
        "set_fact": SetFactModule(),
        "collect": CollectModule(),
        "include_vars": IncludeVarsModule(),
    ]
}
