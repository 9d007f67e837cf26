import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// cron: ansible.builtin.cron. Jobs are marked by `#Ansible: NAME` lines in
/// a user's crontab (`crontab -l` / `crontab -`) or in a cron_file under
/// /etc/cron.d (read and written with the agent's primitives).
struct CronModule: Module {
    static let marker = "#Ansible: "

    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let a = context.arguments
        guard let name = a.string("name") else { return .failure("missing required arguments: name") }
        let user = a.string("user")
        let job = a.string("job")
        let state = a.string("state") ?? "present"
        let minute = a.string("minute") ?? "*", hour = a.string("hour") ?? "*", day = a.string("day") ?? "*"
        let month = a.string("month") ?? "*", weekday = a.string("weekday") ?? "*"
        let special = a.string("special_time")
        let disabled = a.bool("disabled")
        let env = a.bool("env")
        let insertAfter = a.string("insertafter"), insertBefore = a.string("insertbefore")
        let install = state == "present"
        var warnings: [Value] = []
        guard ["present", "absent"].contains(state) else { return .failure("value of state must be one of: absent, present, got: \(state)") }
        if insertAfter != nil && insertBefore != nil { return .failure("parameters are mutually exclusive: insertafter|insertbefore") }

        var cronFile: String?
        if let given = a.string("cron_file") {
            if given == "/etc/crontab" { return .failure("Will not manage /etc/crontab via cron_file, see documentation.") }
            let base = (given as NSString).lastPathComponent
            if base.range(of: "^[A-Za-z0-9_-]+$", options: .regularExpression) == nil {
                warnings.append(.string("Filename portion of cron_file (\"\(base)\") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens"))
            }
            cronFile = given.hasPrefix("/") ? given : "/etc/cron.d/\(given)"
        }

        var tab = CronTab(user: user, cronFile: cronFile)
        if let failure = try await tab.read(context) { return failure }
        let header = cronFile ?? (user.map { "crontab for user \"\($0)\"" } ?? "crontab")
        let original = tab.existing
        let originalRender = tab.render()

        if special != nil && [minute, hour, day, month, weekday].contains(where: { $0 != "*" }) {
            return .failure("You cannot combine special_time with any of the time or day/date parameters.")
        }
        if install {
            if cronFile != nil && user == nil { return .failure("To use cron_file=... parameter you must specify user=... as well") }
            if job == nil { return .failure("You must specify 'job' to install a new cron job or variable") }
            if (insertAfter != nil || insertBefore != nil) && !env { return .failure("Insertafter and insertbefore parameters are valid only with env=yes") }
        }

        var changed = false
        if env {
            if name.contains(" ") { return .failure("Invalid name for environment variable") }
            let decl = "\(name)=\"\(job ?? "")\""
            let old = tab.findEnv(name)
            if install {
                if old == nil {
                    if let failure = tab.addEnv(decl, after: insertAfter, before: insertBefore) { return failure }
                    changed = true
                }
                if let old, old.line != decl {
                    tab.updateEnv(name, decl)
                    changed = true
                }
            } else if old != nil {
                tab.updateEnv(name, nil)
                changed = true
            }
        } else if install {
            let trimmed = (job ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
            if trimmed.contains("\r") || trimmed.contains("\n") { warnings.append(.string("Job should not contain line breaks")) }
            let line = tab.jobLine(minute: minute, hour: hour, day: day, month: month, weekday: weekday,
                                   job: job ?? "", special: special, disabled: disabled)
            let old = tab.findJob(name, job: line)
            if old.isEmpty {
                tab.lines += [Self.marker + name, line]
                changed = true
            }
            if old.count > 1 && old[1] != line {
                tab.updateJob(name, line)
                changed = true
            }
            if old.count > 2 {
                tab.updateJob(name, line)
                changed = true
            }
        } else if !tab.findJob(name, job: nil).isEmpty {
            tab.updateJob(name, nil)
            changed = true
            if let cronFile, tab.isEmpty {
                var result = ModuleResult()
                let before = try await context.agent.stat(cronFile)
                if context.checkMode {
                    result.changed = before.isFile
                } else {
                    let content = before.isFile ? try await context.agent.read(cronFile) : nil
                    let previous = try await context.agent.remove(cronFile)
                    result.changed = previous.exists
                    if previous.exists { result.undo.append(.removed(path: cronFile, previous: previous, content: content)) }
                }
                if context.diffMode {
                    result.diffs.append(FileDiff(path: cronFile, before: original, after: "", beforeHeader: cronFile, afterHeader: "/dev/null"))
                }
                result.values["cron_file"] = .string(a.string("cron_file") ?? cronFile)
                result.values["state"] = .string(state)
                if !warnings.isEmpty { result.values["warnings"] = .list(warnings) }
                return result
            }
        }
        if !changed && !original.isEmpty && !(original.hasSuffix("\n") || original.hasSuffix("\r")) { changed = true }

        var result = ModuleResult(changed: changed)
        result.values["jobs"] = .list(tab.jobNames.map(Value.string))
        result.values["envs"] = .list(tab.envNames.map(Value.string))
        if changed {
            let content = tab.render()
            if !context.checkMode {
                if a.bool("backup") {
                    let b = try await context.runTool("mktemp /tmp/crontabXXXXXXXX")
                    let path = b.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    if b.rc == 0 && !path.isEmpty {
                        _ = try await context.agent.write(path, content: Array(originalRender.utf8), mode: "600")
                        result.values["backup_file"] = .string(path)
                    }
                }
                if let failure = try await tab.write(content, context: context, result: &result) { return failure }
            }
            if context.diffMode {
                result.diffs.append(FileDiff(path: header, before: original, after: content, beforeHeader: header, afterHeader: header))
            }
        }
        if let cronFile = a.string("cron_file") { result.values["cron_file"] = .string(cronFile) }
        if !warnings.isEmpty { result.values["warnings"] = .list(warnings) }
        return result
    }
}

/// Ansible's CronTab: the lines of one crontab and its edits.
struct CronTab {
    let user: String?
    let cronFile: String?
    var lines: [String] = []
    /// The crontab as read (without crontab's "DO NOT EDIT" header).
    var existing = ""
    /// The user crontab existed (for undo).
    var userCrontabExisted = false

    init(user: String?, cronFile: String?) {
        self.user = user
        self.cronFile = cronFile
    }

    /// `crontab -l` for the user, `-u USER` only when it is another user (as Ansible).
    var userOption: String {
        guard let user else { return "" }
        return "if [ \"$(id -un)\" != \(shellQuote(user)) ]; then set -- -u \(shellQuote(user)); fi; "
    }

    mutating func read(_ context: ModuleContext) async throws -> ModuleResult? {
        if let cronFile {
            guard let bytes = try await context.agent.read(cronFile) else { return nil }
            existing = String(decoding: bytes, as: UTF8.self)
            lines = SystemText.lines(existing)
            return nil
        }
        let r = try await context.runTool("command -v crontab >/dev/null 2>&1 || exit 127; set --; \(userOption)crontab \"$@\" -l")
        if r.rc == 127 { return .failure("Failed to find required executable \"crontab\" in paths") }
        if r.rc != 0 && r.rc != 1 { return .failure("Unable to read crontab", ["stderr": .string(r.stderr), "rc": .int(r.rc)]) }
        userCrontabExisted = r.rc == 0
        existing = r.stdout
        for (count, line) in SystemText.lines(r.stdout).enumerated() {
            let isHeader = line.range(of: #"^# DO NOT EDIT THIS FILE - edit the master and reinstall\."#, options: .regularExpression) != nil
                || line.range(of: #"^# \(/tmp/.*installed on.*\)"#, options: .regularExpression) != nil
                || line.range(of: #"^# \(.*version.*\)"#, options: .regularExpression) != nil
            if count > 2 || !isHeader {
                lines.append(line)
            } else if let range = existing.range(of: line) {
                var end = range.upperBound
                if end < existing.endIndex, existing[end] == "\n" || existing[end] == "\r" { end = existing.index(after: end) }
                existing.removeSubrange(range.lowerBound..<end)
            }
        }
        return nil
    }

    /// The crontab's new content goes back: crontab(1) for users, an atomic write for cron_file.
    func write(_ content: String, context: ModuleContext, result: inout ModuleResult) async throws -> ModuleResult? {
        if let cronFile {
            let old = try await context.agent.read(cronFile)
            let outcome = try await context.agent.write(cronFile, content: Array(content.utf8), mode: old == nil ? "644" : "")
            result.undo.append(.file(path: cronFile, previous: outcome.previous, content: old, after: outcome.sha256))
            return nil
        }
        let r = try await context.runTool("set --; \(userOption)crontab \"$@\" -", stdin: content)
        if r.rc != 0 {
            return .failure("Failed to install new cronfile: -", ["stderr": .string(r.stderr), "stdout": .string(r.stdout), "rc": .int(r.rc)])
        }
        result.values["undo_hint"] = .dict(["kind": .string("crontab"), "user": user.map(Value.string) ?? .null,
                                            "previous": userCrontabExisted ? .string(existing) : .null])
        return nil
    }

    func render() -> String {
        var text = lines.joined(separator: "\n")
        if !text.isEmpty {
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            text += "\n"
        }
        return text
    }

    var isEmpty: Bool { lines.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }

    func jobLine(minute: String, hour: String, day: String, month: String, weekday: String,
                 job: String, special: String?, disabled: Bool) -> String {
        let job = job.trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
        let prefix = disabled ? "#" : ""
        let owner = cronFile != nil ? " \(user ?? "")" : ""
        if let special { return "\(prefix)@\(special)\(owner) \(job)" }
        return "\(prefix)\(minute) \(hour) \(day) \(month) \(weekday)\(owner) \(job)"
    }

    /// Ansible's find_job: [marker name, job line] when the marker is found;
    /// a job line without a marker gets one (then a third element).
    mutating func findJob(_ name: String, job: String?) -> [String] {
        var comment: String?
        for line in lines {
            if let c = comment {
                if c == name { return [c, line] }
                comment = nil
            } else if line.hasPrefix(CronModule.marker) {
                comment = line.replacingOccurrences(of: CronModule.marker, with: "")
            }
        }
        if let job {
            for (i, line) in lines.enumerated() where line == job {
                let previous = i > 0 ? lines[i - 1] : lines[lines.count - 1]
                if !previous.hasPrefix(CronModule.marker) {
                    lines.insert(CronModule.marker + name, at: i)
                    return [lines[i], line, "adopted"]
                } else if !name.isEmpty && previous == CronModule.marker + "None" {
                    let index = i > 0 ? i - 1 : lines.count - 1
                    lines[index] = CronModule.marker + name
                    return [lines[index], line, "adopted"]
                }
            }
        }
        return []
    }

    /// _update_job: the marker and the line after it are replaced (or dropped when `job` is nil).
    mutating func updateJob(_ name: String, _ job: String?) {
        let marker = CronModule.marker + name
        var result: [String] = []
        var comment: String?
        for line in lines {
            if let c = comment {
                if let job { result += [c, job] }
                comment = nil
            } else if line == marker {
                comment = line
            } else {
                result.append(line)
            }
        }
        lines = result
    }

    var jobNames: [String] {
        lines.filter { $0.hasPrefix(CronModule.marker) }.map { $0.replacingOccurrences(of: CronModule.marker, with: "") }
    }

    var envNames: [String] {
        lines.filter { $0.range(of: #"^\S+="#, options: .regularExpression) != nil }.map { String($0.split(separator: "=", maxSplits: 1)[0]) }
    }

    func findEnv(_ name: String) -> (index: Int, line: String)? {
        lines.enumerated().first { $0.element.hasPrefix(name + "=") }.map { ($0.offset, $0.element) }
    }

    mutating func addEnv(_ decl: String, after: String?, before: String?) -> ModuleResult? {
        guard let other = after ?? before else {
            lines.insert(decl, at: 0)
            return nil
        }
        guard let found = findEnv(other) else { return .failure("Variable named '\(other)' not found.") }
        lines.insert(decl, at: after != nil ? found.index + 1 : found.index)
        return nil
    }

    /// Replaces (or, with nil, removes) every `NAME=` line.
    mutating func updateEnv(_ name: String, _ decl: String?) {
        lines = lines.flatMap { $0.hasPrefix(name + "=") ? (decl.map { [$0] } ?? []) : [$0] }
    }
}
