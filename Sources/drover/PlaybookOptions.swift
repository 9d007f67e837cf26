import ArgumentParser
import DroverCore
import OrderedCollections

/// The playbook argument and `-e`, shared by `check` and `run`.
struct PlaybookOptions: ParsableArguments {
    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(name: [.short, .customLong("extra-vars")], help: "Extra variables: key=value pairs, JSON, or @file.yml. Repeatable.")
    var extraVars: [String] = []

    func extraVariables() throws -> OrderedDictionary<String, Value> {
        do {
            return try ExtraVars.parse(extraVars)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
    }

    func parse() throws -> Playbook {
        do {
            return try PlaybookParser(extraVariableNames: Set(try extraVariables().keys)).parse(file: playbook)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
    }
}
