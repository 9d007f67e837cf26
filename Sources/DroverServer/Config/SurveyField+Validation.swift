import DroverCore
import Foundation
import OrderedCollections

/// One refused launch field: which, and why (shown to the launcher).
public struct FieldProblem: Sendable, Equatable, Error {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

extension SurveyField {
    /// The answer, normalized to its type, or what is wrong with it. The
    /// message never repeats a secret's value.
    func check(_ answer: Value) -> Result<Value, ProblemText> {
        switch kind {
        case .string, .secret:
            guard case .string(let text) = answer else { return .failure("must be a string") }
            if let min, text.count < min { return .failure("must be at least \(min) characters") }
            if let max, text.count > max { return .failure("must be at most \(max) characters") }
            if let regex, !Self.wholeMatch(text, regex) { return .failure("must match the pattern \(regex)") }
            return .success(answer)
        case .int:
            guard case .int(let number) = answer else { return .failure("must be a whole number") }
            if let min, number < min { return .failure("must be at least \(min)") }
            if let max, number > max { return .failure("must be at most \(max)") }
            return .success(answer)
        case .bool:
            guard case .bool = answer else { return .failure("must be true or false") }
            return .success(answer)
        case .choice:
            guard case .string(let text) = answer, choices.contains(text) else {
                return .failure("must be one of: \(choices.joined(separator: ", "))")
            }
            return .success(answer)
        case .multiChoice:
            guard case .list(let items) = answer else { return .failure("must be a list of choices") }
            let picks = items.compactMap(\.stringValue)
            if let bad = items.first(where: { $0.stringValue.map { !choices.contains($0) } ?? true }) {
                return .failure("`\(bad.text)` is not one of: \(choices.joined(separator: ", "))")
            }
            if let min, picks.count < min { return .failure("pick at least \(min)") }
            if let max, picks.count > max { return .failure("pick at most \(max)") }
            return .success(answer)
        }
    }

    static func wholeMatch(_ text: String, _ pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else { return false }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// A reason, as an Error so `Result` can carry it.
struct ProblemText: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation, CustomStringConvertible {
    var description: String
    init(stringLiteral value: String) { description = value }
    init(stringInterpolation: DefaultStringInterpolation) { description = String(stringInterpolation: stringInterpolation) }
}

/// A survey's answers, checked: the extra variables they become, and the
/// names of the secret ones (masked wherever the launch is recorded).
public struct SurveyAnswers: Sendable {
    public var variables: OrderedDictionary<String, Value>
    public var secretNames: Set<String>
}

extension JobTemplate {
    /// Checks every answer against the survey and returns them with the
    /// defaults filled in, or one problem per bad field (all of them).
    public func checkSurvey(_ answers: OrderedDictionary<String, Value>) -> Result<SurveyAnswers, LaunchRefusal> {
        var problems: [FieldProblem] = []
        var result = SurveyAnswers(variables: [:], secretNames: [])
        let known = Set(survey.map(\.name))
        for name in answers.keys where !known.contains(name) {
            let hint = closestMatch(name, among: known).map { "; did you mean `\($0)`?" } ?? ""
            problems.append(FieldProblem(field: "survey.\(name)", message: "the survey has no field `\(name)`" + hint))
        }
        for field in survey {
            let key = "survey.\(field.name)"
            guard let answer = answers[field.name], answer != .null else {
                if let value = field.defaultValue {
                    result.variables[field.name] = value
                } else if field.required {
                    problems.append(FieldProblem(field: key, message: "is required"))
                }
                continue
            }
            switch field.check(answer) {
            case .success(let value):
                result.variables[field.name] = value
                if field.kind == .secret { result.secretNames.insert(field.name) }
            case .failure(let problem):
                problems.append(FieldProblem(field: key, message: problem.description))
            }
        }
        return problems.isEmpty ? .success(result) : .failure(LaunchRefusal(problems: problems))
    }
}
