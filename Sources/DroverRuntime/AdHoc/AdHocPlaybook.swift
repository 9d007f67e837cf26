import DroverCore
import DroverSSH
import Foundation

/// `drover exec PATTERN -- COMMAND…` as the one-task playbook it runs as
/// (Ansible's ad hoc `ansible PATTERN -a …` does the same): several words
/// are the command module's argv, reaching the program literally; one word
/// is a shell command line for the shell module.
public enum AdHocPlaybook {
    /// The name the playbook goes by in errors and in the store.
    public static let path = "<drover exec>"

    public static func make(pattern: String, command: [String]) throws -> Playbook {
        var parser = PlaybookParser()
        parser.inMemory[path] = source(pattern: pattern, command: command)
        return try parser.parse(file: path)
    }

    /// The command line as the user gave it, for the store and the console.
    public static func commandLine(_ command: [String]) -> String {
        command.count == 1 ? command[0] : command.map(shellQuote).joined(separator: " ")
    }

    /// YAML with every user string as a JSON string (a YAML flow scalar),
    /// so no quoting of the user's can change the playbook's shape.
    static func source(pattern: String, command: [String]) -> String {
        let task = command.count == 1
            ? "shell: \(json(command[0]))"
            : "command: { argv: [\(command.map(json).joined(separator: ", "))] }"
        return """
            - hosts: \(json(pattern))
              gather_facts: false
              tasks:
                - name: \(json(commandLine(command)))
                  \(task)

            """
    }

    private static func json(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
