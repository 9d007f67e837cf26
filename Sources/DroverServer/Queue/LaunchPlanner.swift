import Crypto
import DroverCore
import DroverEngine
import DroverRuntime
import DroverStore
import Foundation
import OrderedCollections

/// Turns a template and a launch into a runtime request, enforcing the
/// template's rules: only its `overridable` fields, check runs only when
/// allowed, the survey's types and bounds. Every refused field is reported
/// at once. Secret answers go to the run's variables in memory only.
public struct LaunchPlanner: Sendable {
    /// Makes each run's connector. A run closes its connector's connections
    /// when it ends (`HostConnector.shutdown`), so two runs never share one:
    /// a shared one let the first run to end cut the others off.
    public var makeConnector: @Sendable () -> any HostConnector
    public var script: AgentScript
    /// How long a cancelled run's commands get to stop.
    public var cancelGrace: Duration = .seconds(10)
    /// What the runs' playbooks may do on the server itself.
    public var controllerAccess = ControllerAccess.forbidden

    /// `connector` is evaluated anew for each run.
    public init(connector: @escaping @autoclosure @Sendable () -> any HostConnector, script: AgentScript) {
        makeConnector = connector
        self.script = script
    }

    public static let mask = Value.string("********")

    public func plan(_ template: JobTemplate, _ launch: LaunchRequest, user: String) async throws -> PreparedLaunch {
        let answers = try check(template, launch)
        var variables = template.extraVars
        variables.merge(launch.extraVars ?? [:]) { _, new in new }
        variables.merge(answers.variables) { _, new in new }
        var recorded = variables
        for name in answers.secretNames { recorded[name] = Self.mask }

        let (playbook, inventory, digest) = try await Self.load(template, variables: Set(variables.keys))
        var options = RunOptions()
        options.checkMode = launch.check ?? false
        options.diffMode = launch.diff ?? false
        options.forks = template.forks ?? options.forks
        options.tags = Set(launch.tags ?? template.tags)
        options.skipTags = Set(launch.skipTags ?? [])
        options.extraVars = variables
        options.cancellation = RunCancellation(grace: cancelGrace)
        options.controllerAccess = controllerAccess
        let hosts = try Self.hosts(playbook, inventory, patterns: [template.limit, launch.limit].compactMap { $0 })
        if template.limit != nil || launch.limit != nil { options.limit = Set(hosts) }

        var info = RunInfo(playbook: template.playbook, playbookSHA256: digest,
                           inventory: template.inventory, limit: [template.limit, launch.limit].compactMap { $0 }.joined(separator: ":&"),
                           extraVars: recorded, checkMode: options.checkMode)
        if info.limit?.isEmpty == true { info.limit = nil }
        info.user = user
        info.template = template.name
        let request = RunRequest(playbook: playbook, inventory: inventory, options: options, info: info, connector: makeConnector(),
                                 script: script, locking: template.lockWait.map { .wait($0) } ?? .failAtOnce)
        return PreparedLaunch(template: template, request: request, hostCount: hosts.count,
                              parameters: Self.parameters(launch, recordedSurvey: answers, user: user).jsonText(),
                              hasSecrets: !answers.secretNames.isEmpty)
    }

    /// The template's rules; throws every problem found.
    func check(_ template: JobTemplate, _ launch: LaunchRequest) throws(LaunchRefusal) -> SurveyAnswers {
        var problems: [FieldProblem] = []
        let set: [(LaunchField, Bool)] = [(.limit, launch.limit != nil), (.extraVars, launch.extraVars != nil), (.tags, launch.tags != nil),
                                          (.skipTags, launch.skipTags != nil), (.diff, launch.diff != nil)]
        for (field, given) in set where given && !template.overridable.contains(field) {
            problems.append(FieldProblem(field: field.rawValue, message: "this template does not let a launcher set it (see `overridable:`)"))
        }
        if launch.check == true && !template.checkAllowed {
            problems.append(FieldProblem(field: "check", message: "this template does not allow check runs"))
        }
        if let extra = launch.extraVars {
            for name in extra.keys where template.survey.contains(where: { $0.name == name }) {
                problems.append(FieldProblem(field: "extra_vars.\(name)", message: "is a survey field: answer it in `survey`"))
            }
        }
        switch template.checkSurvey(launch.survey) {
        case .success(let answers):
            if problems.isEmpty { return answers }
        case .failure(let refusal):
            problems += refusal.problems
        }
        throw LaunchRefusal(problems: problems)
    }

    /// Parsing reads files: done on a thread of its own, off the cooperative pool.
    static func load(_ template: JobTemplate, variables: Set<String>) async throws -> (Playbook, Inventory, sha256: String) {
        try await OffThePool.run {
            let playbook = try PlaybookParser(extraVariableNames: variables).parse(file: template.playbook)
            var inventory = try Inventory.load(template.inventory)
            try VarsDirectory.apply(beside: (template.playbook as NSString).deletingLastPathComponent, to: &inventory, besidePlaybook: true)
            let bytes = FileManager.default.contents(atPath: template.playbook) ?? Data()
            return (playbook, inventory, SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        }
    }

    /// The hosts the plays select, within every limit pattern given.
    static func hosts(_ playbook: Playbook, _ inventory: Inventory, patterns: [String]) throws -> [String] {
        var selected = Set<String>()
        for play in playbook.plays { selected.formUnion(try HostPattern.resolve(play.hosts, in: inventory)) }
        for pattern in patterns {
            do {
                selected.formIntersection(try HostPattern.resolve(pattern, in: inventory))
            } catch let error as InputError {
                throw LaunchRefusal(problems: [FieldProblem(field: "limit", message: error.message)])
            }
        }
        guard !selected.isEmpty else {
            throw LaunchRefusal(problems: [FieldProblem(field: "limit", message: "no hosts match: the run would do nothing")])
        }
        return selected.sorted()
    }

    /// What the store keeps of a launch: enough to start it again after a
    /// restart, with secret answers masked.
    static func parameters(_ launch: LaunchRequest, recordedSurvey answers: SurveyAnswers, user: String) -> Value {
        var survey = launch.survey
        for name in answers.secretNames { survey[name] = mask }
        var object: OrderedDictionary<String, Value> = ["user": .string(user), "survey": .dict(survey)]
        if let limit = launch.limit { object["limit"] = .string(limit) }
        if let extra = launch.extraVars { object["extra_vars"] = .dict(extra) }
        if let tags = launch.tags { object["tags"] = .list(tags.map(Value.string)) }
        if let skip = launch.skipTags { object["skip_tags"] = .list(skip.map(Value.string)) }
        if let check = launch.check { object["check"] = .bool(check) }
        if let diff = launch.diff { object["diff"] = .bool(diff) }
        return .dict(object)
    }
}
