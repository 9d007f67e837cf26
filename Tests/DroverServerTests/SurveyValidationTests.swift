import DroverCore
@testable import DroverServer
import OrderedCollections
import DroverTestSupport
import Testing

@Suite("Server: template survey validation (pure)")
struct SurveyValidationTests {
    static let template = JobTemplate(
        name: "upgrade", playbook: "/p/site.yml", inventory: ["/p/inventory"], limit: nil, extraVars: [:], forks: nil, checkAllowed: false,
        tags: [], survey: [
            SurveyField(name: "release", kind: .string, required: true, min: 3, max: 10, regex: "v[0-9]+\\.[0-9]+"),
            SurveyField(name: "batch", kind: .int, defaultValue: .int(5), min: 1, max: 20),
            SurveyField(name: "reboot", kind: .bool),
            SurveyField(name: "channel", kind: .choice, choices: ["stable", "beta"]),
            SurveyField(name: "sites", kind: .multiChoice, min: 1, max: 2, choices: ["paris", "lyon", "nice"]),
            SurveyField(name: "password", kind: .secret, min: 8),
        ], overridable: [.limit], concurrency: .queue, lockWait: nil, timeout: nil, grants: [],
        location: SourceLocation(file: "drover.yml", line: 1))

    @Test("good answers pass, defaults fill in, secrets are named")
    func goodAnswers() throws {
        let answers = try Self.template.checkSurvey(["release": .string("v1.2"), "password": .string("correct horse"),
                                                     "sites": .list([.string("paris")])]).get()
        #expect(answers.variables["batch"] == .int(5))
        #expect(answers.variables["release"] == .string("v1.2"))
        #expect(answers.secretNames == ["password"])
    }

    @Test("every bad field is reported at once, one message each, never echoing a secret")
    func oneProblemPerField() {
        let result = Self.template.checkSurvey([
            "release": .string("1.2"), "batch": .int(50), "reboot": .string("yes"), "channel": .string("nightly"),
            "sites": .list([.string("paris"), .string("lyon"), .string("nice")]), "password": .string("hunter2"), "relase": .string("x"),
        ])
        guard case .failure(let refusal) = result else {
            Issue.record("bad answers were accepted")
            return
        }
        let problems = refusal.problems
        #expect(Set(problems.map(\.field)) == ["survey.release", "survey.batch", "survey.reboot", "survey.channel", "survey.sites",
                                               "survey.password", "survey.relase"])
        #expect(problems.first { $0.field == "survey.relase" }?.message.contains("did you mean `release`") == true)
        #expect(problems.first { $0.field == "survey.batch" }?.message == "must be at most 20")
        #expect(!problems.contains { $0.message.contains("hunter2") })
    }

    @Test("a required field with no answer and no default is refused")
    func required() {
        guard case .failure(let refusal) = Self.template.checkSurvey([:]) else {
            Issue.record("a missing required field was accepted")
            return
        }
        #expect(refusal.problems == [FieldProblem(field: "survey.release", message: "is required")])
    }

    @Test("the planner refuses fields the template does not let a launcher set, and check when not allowed")
    func overridable() throws {
        var launch = LaunchRequest()
        launch.limit = "h1"
        launch.extraVars = ["x": .int(1)]
        launch.check = true
        launch.survey = ["release": .string("v1.0")]
        let planner = LaunchPlanner(connector: TestHostConnector(), script: PlaybookHarness.script)
        #expect(throws: LaunchRefusal.self) { try planner.check(Self.template, launch) }
        do {
            _ = try planner.check(Self.template, launch)
        } catch {
            #expect(Set(error.problems.map(\.field)) == ["extra_vars", "check"])
        }
    }

    @Test("a launch body with wrong types names each field")
    func launchTypes() {
        #expect(throws: LaunchRefusal.self) { try LaunchRequest(json: ["limit": .int(3), "check": .string("yes")]) }
        do {
            _ = try LaunchRequest(json: ["limit": .int(3), "check": .string("yes"), "tags": .dict([:])])
        } catch {
            #expect(Set(error.problems.map(\.field)) == ["limit", "check", "tags"])
        }
    }
}
