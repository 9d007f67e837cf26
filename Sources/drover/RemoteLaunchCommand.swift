import ArgumentParser
import DroverClient
import DroverCore
import Foundation
import OrderedCollections

/// `drover remote launch TEMPLATE`: `POST /api/v1/templates/{name}/launch`,
/// and with --follow the run's events, printed as `drover run` prints them.
struct RemoteLaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Launch a job template on the server; --follow prints the run as drover run does.",
        discussion: """
            Without --follow the run's id goes alone to standard output (RUN=$(drover remote … launch T)) \
            and what became of it to standard error. With --follow the run is printed as it goes, exactly as \
            drover run prints it, and the command exits as drover run would: 0, 2 a host failed, 4 a host was \
            unreachable, 130 the run was cancelled. Ctrl-C stops following, not the run (drover remote cancel \
            stops it). --survey answers are typed by the template's survey (int, bool, a multi_choice as \
            a,b or repeated); -e takes key=value, JSON or @file as drover run's does (the file is read here).
            """
    )

    @ParentCommand var remote: RemoteCommand

    @Argument(help: "The job template's name (drover.yml).")
    var template: String

    @Option(name: [.short, .long], help: "Narrow the template's hosts further (a host pattern).")
    var limit: String?

    @Option(name: [.short, .customLong("extra-vars")], help: "Extra variables: key=value pairs, JSON, or @file.yml (read here). Repeatable.")
    var extraVars: [String] = []

    @Option(name: [.short, .customLong("tags")], help: "Only run tasks with these tags (comma-separated, repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("skip-tags"), help: "Skip tasks with these tags (comma-separated, repeatable).")
    var skipTags: [String] = []

    @Flag(name: [.short, .customLong("check")], help: "A check run: report what would change; change nothing.")
    var check = false

    @Flag(name: [.customShort("D"), .customLong("diff")], help: "Show the before and after of changed files.")
    var diff = false

    @Option(name: .customLong("survey"), help: ArgumentHelp("A survey answer, NAME=VALUE. Repeatable.", valueName: "name=value"))
    var survey: [String] = []

    @Flag(help: "Follow the run: print it as drover run does and exit with its status.")
    var follow = false

    @Flag(name: .short, help: "With --follow: more output (-v shows every result and live command output).")
    var verbose: Int

    @OptionGroup var terminal: TerminalOptions

    func validate() throws {
        try remote.options.check()
        do {
            _ = try ExtraVars.parse(extraVars)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
        _ = try surveyPairs()
        if verbose > 0 && !follow { throw ValidationError("-v shows a followed run's output: add --follow") }
    }

    /// `--survey` as (name, value) pairs, in order.
    func surveyPairs() throws -> [(name: String, value: String)] {
        try survey.map { answer in
            guard let equals = answer.firstIndex(of: "="), equals != answer.startIndex else {
                throw ValidationError("--survey takes NAME=VALUE, such as --survey release=v1.2, not `\(answer)`")
            }
            return (String(answer[..<equals]), String(answer[answer.index(after: equals)...]))
        }
    }

    func run() async throws {
        let extra = try ExtraVars.parse(extraVars)
        let pairs = try surveyPairs()
        let name = template
        try await remote.options.withClient { client in
            var body = OrderedDictionary<String, Value>()
            if let limit { body["limit"] = .string(limit) }
            if !extra.isEmpty { body["extra_vars"] = .dict(extra) }
            if !tags.isEmpty { body["tags"] = .list(Self.split(tags).map(Value.string)) }
            if !skipTags.isEmpty { body["skip_tags"] = .list(Self.split(skipTags).map(Value.string)) }
            if check { body["check"] = .bool(true) }
            if diff { body["diff"] = .bool(true) }
            if !pairs.isEmpty { body["survey"] = .dict(try await Self.answers(pairs, template: name, client: client)) }
            let launched = try await client.post("/api/v1/templates/\(Self.pathSegment(name))/launch", body: .dict(body))
            guard case .dict(let fields) = launched, case .int(let number)? = fields["id"] else {
                throw APIFailure(status: 201, message: "the server's answer to the launch has no run id: \(launched.jsonText())")
            }
            let id = Int64(number)
            guard follow else {
                let status = fields["status"]?.stringValue ?? "launched"
                Output.line(String(id))
                FileHandle.standardError.write(Data("run \(id) of \(name) \(status): `drover remote show \(id)`\n".utf8))
                return
            }
            let console = ConsoleObserver(json: false, verbosity: verbose, diff: diff, palette: terminal.palette)
            try await RemoteFollow(client: client, runID: id, console: console).finish()
        }
    }

    static func split(_ lists: [String]) -> [String] {
        lists.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    /// A template name as one path segment (names are letters, digits, - _ .;
    /// anything else is escaped and left for the server to refuse).
    static func pathSegment(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }

    /// The answers typed as the template's survey declares its fields
    /// (the server checks them; an unknown name goes as text, for the
    /// server's did-you-mean). A multi_choice takes `a,b` or repeats.
    static func answers(_ pairs: [(name: String, value: String)], template: String,
                        client: APIClient) async throws -> OrderedDictionary<String, Value> {
        let definition = try await client.get("/api/v1/templates/\(pathSegment(template))")
        var kinds: [String: String] = [:]
        if case .dict(let fields) = definition, case .list(let survey)? = fields["survey"] {
            for case .dict(let field) in survey {
                if let name = field["name"]?.stringValue, let type = field["type"]?.stringValue { kinds[name] = type }
            }
        }
        var answers = OrderedDictionary<String, Value>()
        for (name, text) in pairs {
            switch kinds[name] {
            case "int":
                answers[name] = Int(text.trimmingCharacters(in: .whitespaces)).map(Value.int) ?? .string(text)
            case "bool":
                switch text.lowercased() {
                case "true", "yes", "on", "1": answers[name] = .bool(true)
                case "false", "no", "off", "0": answers[name] = .bool(false)
                default: answers[name] = .string(text)
                }
            case "multi_choice":
                var picks: [Value] = []
                if case .list(let earlier)? = answers[name] { picks = earlier }
                picks += text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
                answers[name] = .list(picks)
            default:
                answers[name] = .string(text)
            }
        }
        return answers
    }
}
