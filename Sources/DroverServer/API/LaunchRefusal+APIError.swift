import Hummingbird

extension APIError {
    /// A launch or rollback refused field by field: 422, one entry per field.
    init(_ refusal: LaunchRefusal) {
        self.init(.unprocessableContent, .surveyInvalid,
                  "the launch was refused: " + refusal.problems.map { "\($0.field) \($0.message)" }.joined(separator: "; "),
                  field: refusal.problems.first?.field)
        problems = refusal.problems
    }
}
