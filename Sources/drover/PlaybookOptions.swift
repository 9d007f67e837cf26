import ArgumentParser
import DroverCore
import OrderedCollections

/// The playbook argument and `-e`, shared by `check` and `run`.
struct PlaybookOptions: ParsableArguments {
    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(name: [.short, .customLong("extra-vars")], help: "Extra variables: key=value pairs, JSON, or @file.yml. Repeatable.")
    var extraVars: [String] = []

    /// `-e` is part of the command line: a malformed one is a usage error.
    func validate() throws {
        do {
            _ = try ExtraVars.parse(extraVars)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
    }

    func extraVariables() throws -> OrderedDictionary<String, Value> {
        try ExtraVars.parse(extraVars)
    }

    /// A playbook with errors is a failure (InputError), not a usage error.
    func parse() throws -> Playbook {
        try PlaybookParser(extraVariableNames: Set(try extraVariables().keys)).parse(file: playbook)
    }
}
