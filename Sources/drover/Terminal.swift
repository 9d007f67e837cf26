import ArgumentParser
import DroverCore
import Foundation

/// What the terminal around drover allows. The one place that reads
/// isatty, `NO_COLOR` and `TERM`.
enum Terminal {
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) != 0

    static func palette(noColor: Bool) -> Palette {
        Palette.choose(isTerminal: stdoutIsTerminal, noColorFlag: noColor, environment: ProcessInfo.processInfo.environment)
    }
}

/// `--no-color`, for the commands that colour their output.
struct TerminalOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "No colours, even on a terminal (so does a non-empty NO_COLOR, or TERM=dumb).")
    var noColor = false

    var palette: Palette { Terminal.palette(noColor: noColor) }
}
