import Foundation
import DroverCore
import OrderedCollections

/// How `drover run` was asked to run.
public struct RunOptions: Sendable {
    public var checkMode = false
    public var diffMode = false
    public var forks = 50
    public var tags: Set<String> = []
    public var skipTags: Set<String> = []
    public var extraVars: OrderedDictionary<String, Value> = [:]
    /// Hosts allowed by --limit (nil: all).
    public var limit: Set<String>?
    public var startAtTask: String?
    public var startedAt = Date()
    /// `--step`: asked before each task whether to run it.
    public var stepPrompt: (@Sendable (String) async -> StepAnswer)?
    /// Set to stop the run (Ctrl-C, `RunHandle.cancel()`).
    public var cancellation = RunCancellation()
    /// Whether the playbook may run commands on, or read the environment
    /// of, the controller (`ControllerAccess`): the CLI allows it, a server
    /// running other people's playbooks forbids it.
    public var controllerAccess = ControllerAccess.allowed

    public init() {}
}

/// The answer to `--step`'s "Perform task?".
public enum StepAnswer: Sendable {
    case yes, no
    /// Yes, and stop asking.
    case continueAll
}
