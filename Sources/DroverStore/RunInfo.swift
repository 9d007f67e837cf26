import DroverCore
import Foundation
import OrderedCollections

/// What is recorded about a run when it starts.
public struct RunInfo: Sendable {
    public var kind = RunKind.run
    public var parentRunID: Int64?
    public var playbook: String
    public var playbookSHA256: String
    public var inventory: [String]
    public var limit: String?
    public var extraVars: OrderedDictionary<String, Value>
    public var checkMode: Bool
    public var user: String = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
    /// The job template a server launch came from (nil for the CLI).
    public var template: String?
    /// A run the server recorded as `queued` (`Store.queueRun`): starting
    /// it turns that row `running` instead of inserting a new one.
    public var queuedRunID: Int64?

    public init(playbook: String, playbookSHA256: String, inventory: [String], limit: String?,
                extraVars: OrderedDictionary<String, Value>, checkMode: Bool) {
        self.playbook = playbook
        self.playbookSHA256 = playbookSHA256
        self.inventory = inventory
        self.limit = limit
        self.extraVars = extraVars
        self.checkMode = checkMode
    }

    /// Extra vars as JSON, with values of secret-looking names hidden, so
    /// passwords given with -e never reach the store.
    var redactedExtraVars: String {
        var copy = OrderedDictionary<String, Value>()
        for (key, value) in extraVars {
            copy[key] = Self.isSecretName(key) ? .string("********") : value
        }
        return Value.dict(copy).jsonText()
    }

    static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["pass", "secret", "token", "key", "credential", "vault"].contains { lower.contains($0) }
    }
}
