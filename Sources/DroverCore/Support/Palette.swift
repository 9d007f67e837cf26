/// The ANSI colours ansible-playbook uses by default (`COLOR_OK` green,
/// `COLOR_CHANGED` yellow, `COLOR_ERROR` red, `COLOR_SKIP` cyan,
/// `COLOR_UNREACHABLE` bright red, `COLOR_WARN` bright purple), as SGR codes.
public enum TerminalColor: String, Sendable {
    case green = "0;32"
    case yellow = "0;33"
    case red = "0;31"
    case cyan = "0;36"
    case brightRed = "1;31"
    case brightPurple = "1;35"

    /// The colour of a result line with this status.
    public static func of(_ status: TaskStatus) -> TerminalColor {
        switch status {
        case .ok: .green
        case .changed: .yellow
        case .failed: .red
        case .skipped: .cyan
        case .unreachable: .brightRed
        case .cancelled: .brightPurple
        }
    }
}

/// Colours text for a terminal, or leaves it plain.
public struct Palette: Sendable, Equatable {
    public var enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public static let plain = Palette(enabled: false)

    /// Colour only on a terminal that can show it, unless the user said no:
    /// `--no-color`, or `NO_COLOR` set to anything but the empty string
    /// (no-color.org), or `TERM=dumb`.
    public static func choose(isTerminal: Bool, noColorFlag: Bool, environment: [String: String]) -> Palette {
        let refused = noColorFlag || !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        return Palette(enabled: isTerminal && !refused)
    }

    /// `text` in `color`, each line wrapped on its own (as Ansible's
    /// `stringc` does), so no line starts or ends inside a colour.
    public func paint(_ text: String, _ color: TerminalColor?) -> String {
        guard enabled, let color else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "\u{1B}[\(color.rawValue)m\($0)\u{1B}[0m" }.joined(separator: "\n")
    }

    /// A `--diff` line in Ansible's diff colours: added green, removed
    /// red, `@@` cyan.
    public func diffLine(_ line: String) -> String {
        paint(line, line.hasPrefix("+") ? .green : line.hasPrefix("-") ? .red : line.hasPrefix("@@") ? .cyan : nil)
    }
}
