import DroverCore
import DroverEngine
import OrderedCollections
import DroverRuntime
import Foundation

/// Prints `drover exec` as `ansible PATTERN -a …` does: one block per host
/// as it ends (status and rc, its stdout, then its stderr), then a summary.
actor AdHocConsole: RunConsole {
    func consume(_ events: AsyncStream<EventHub<RunEvent>.Numbered>) async {
        for await numbered in events {
            switch numbered.event {
            case .hostResult(let report): show(report)
            case .message(let text) where text.hasPrefix("ERROR! "):
                FileHandle.standardError.write(Data((text + "\n").utf8))
            // A playbook's banner; `ansible` ad hoc has none.
            case .message(PlaybookRunner.noMoreHostsLeft): break
            case .message(let text): Output.line(text)
            default: break
            }
        }
    }

    private func show(_ report: HostTaskReport) {
        let fields: OrderedDictionary<String, Value>
        if case .dict(let dict) = report.result { fields = dict } else { fields = [:] }
        let rc: Int? = if case .int(let value) = fields["rc"] { value } else { nil }
        let message = fields["msg"]?.text ?? ""
        let host = report.host
        switch (report.status, rc) {
        case (.unreachable, _): Output.line("\(host) | UNREACHABLE! => \(message)"); return
        case (_, nil): Output.line("\(host) | \(label(report.status))! => \(message)"); return
        case (_, let rc?): Output.line("\(host) | \(label(report.status)) | rc=\(rc) >>")
        }
        block(fields["stdout"]?.stringValue ?? "")
        if let stderr = fields["stderr"]?.stringValue, !stderr.isEmpty {
            Output.line("\(host) | stderr >>")
            block(stderr)
        }
    }

    /// Ansible's words: a command that ran is CHANGED, one that failed FAILED.
    private func label(_ status: TaskStatus) -> String {
        switch status {
        case .ok, .changed: return "CHANGED"
        case .failed: return "FAILED"
        case .cancelled: return "CANCELLED"
        case .skipped: return "SKIPPED"
        case .unreachable: return "UNREACHABLE"
        }
    }

    private func block(_ text: String) {
        guard !text.isEmpty else { return }
        Output.line(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }
}
