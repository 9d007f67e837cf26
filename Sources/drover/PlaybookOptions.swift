import ArgumentParser
import DroverCore

/// The playbook argument and `-e`, shared by `check` and `run`.
struct PlaybookOptions: ParsableArguments {
    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(name: [.short, .customLong("extra-vars")], help: "Extra variables: key=value pairs, JSON, or @file.yml. Repeatable.")
    var extraVars: [String] = []

    /// Names given with -e (enough for the parser's vars_prompt check).
    var extraVariableNames: Set<String> {
        var names = Set<String>()
        for item in extraVars where !item.hasPrefix("@") && !item.hasPrefix("{") {
            for pair in item.split(separator: " ") {
                if let equals = pair.firstIndex(of: "=") { names.insert(String(pair[..<equals])) }
            }
        }
        return names
    }

    func parse() throws -> Playbook {
        do {
            return try PlaybookParser(extraVariableNames: extraVariableNames).parse(file: playbook)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
    }
}
