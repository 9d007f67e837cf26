import ArgumentParser
import DroverCore
import DroverStore
import Foundation

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded runs, newest first."
    )

    @Option(help: "Only runs with this status: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var status: String?

    @Option(help: "Only runs of playbooks whose path contains this text.")
    var playbook: String?

    @Option(help: "Only runs that included this host.")
    var host: String?

    @Option(help: "Only runs started within this period (30m, 12h, 7d) or since this date (2026-11-01).")
    var since: String?

    @Option(help: "At most this many runs.")
    var limit = 50

    func validate() throws {
        if let status, RunStatus(rawValue: status) == nil {
            throw ValidationError("--status must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let since, Period.date(since) == nil {
            throw ValidationError("--since takes a period such as 30m, 12h, 7d, or a date such as 2026-11-01")
        }
    }

    func run() throws {
        let store = try StoreOptions.open()
        var filter = RunFilter()
        filter.status = status.flatMap(RunStatus.init(rawValue:))
        filter.playbook = playbook
        filter.host = host
        filter.since = since.flatMap(Period.date)
        filter.limit = limit
        let runs = try store.runs(filter)
        guard !runs.isEmpty else {
            Output.line("no recorded runs match")
            return
        }
        Output.line("ID     STARTED              DURATION  STATUS       HOSTS  FAILED  CHANGED  PLAYBOOK")
        for run in runs {
            let duration = run.endedAt.map { Output.seconds(.milliseconds(Int($0.timeIntervalSince(run.startedAt) * 1000))) } ?? "-"
            let check = run.checkMode ? "check" : ""
            let kind = switch run.kind {
            case .rollback: " (rollback of \(run.parentRunID ?? 0)\(check.isEmpty ? "" : ", check"))"
            case .exec: " (exec\(check.isEmpty ? "" : ", check"))"
            case .run: check.isEmpty ? "" : " (check)"
            }
            Output.line(String(run.id).padding(toLength: 7, withPad: " ", startingAt: 0)
                + Period.format(run.startedAt).padding(toLength: 21, withPad: " ", startingAt: 0)
                + duration.padding(toLength: 10, withPad: " ", startingAt: 0)
                + run.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
                + String(run.hosts).padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(run.failedHosts).padding(toLength: 8, withPad: " ", startingAt: 0)
                + String(run.changedTasks).padding(toLength: 9, withPad: " ", startingAt: 0)
                + run.playbook + kind)
        }
    }
}

/// `30m`, `12h`, `7d`, `2w` before now, or a `YYYY-MM-DD` date.
enum Period {
    static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let number = Double(text.dropLast()) else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86400
        case "w": return number * 7 * 86400
        default: return nil
        }
    }

    static func date(_ text: String) -> Date? {
        if let seconds = seconds(text) { return Date(timeIntervalSinceNow: -seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
