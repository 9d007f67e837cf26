import ArgumentParser

/// `drover version`: the same line as `drover --version`, for those who type it as a command.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print Drover's version and the agent protocol version (as --version does)."
    )

    func run() {
        Output.line(DroverVersion.text)
    }
}
