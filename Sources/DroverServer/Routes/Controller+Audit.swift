import DroverCore
import DroverStore
import Logging
import OrderedCollections

extension Controller {
    /// Appends what a caller did to the audit log (`drover audit`). The
    /// action has happened by now: a log that cannot be written is an error
    /// in the server's log, not a failed request.
    func audit(_ action: String, by caller: Caller, from context: ServerContext, _ details: [String: Value]) async {
        await audit(action, by: caller, source: context.remoteAddress?.ipAddress ?? "", details)
    }

    func audit(_ action: String, by caller: Caller, source: String, _ details: [String: Value]) async {
        do {
            _ = try await store.appendAudit(actor: caller.name, source: source, action: action, details: details)
        } catch {
            logger.error("the audit log could not be written", metadata: ["action": "\(action)", "by": "\(caller.name)", "error": "\(error)"])
        }
    }

    /// A launch as the audit log keeps it: which template and run, and the
    /// names (not the values) of what the launcher set, since survey
    /// answers and extra vars may be credentials.
    static func launchDetails(template: String, run: Int64, _ body: OrderedDictionary<String, Value>) -> [String: Value] {
        var details: [String: Value] = ["template": .string(template), "run": .int(Int(run))]
        for (key, value) in body {
            if case .dict(let answers) = value { details[key] = .list(answers.keys.map(Value.string)) } else { details[key] = value }
        }
        return details
    }
}
