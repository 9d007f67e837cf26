import DroverCore

/// One typed question of a template's survey; the answer becomes the extra
/// variable `name`.
public struct SurveyField: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case string
        case int
        case bool
        case choice
        case multiChoice = "multi_choice"
        /// A string that never reaches the store, the logs or a response.
        case secret
    }

    public var name: String
    public var kind: Kind
    public var description: String?
    public var required: Bool
    public var defaultValue: Value?
    /// Bounds: the value for `int`, the length for `string`/`secret`, the
    /// number of picks for `multi_choice`.
    public var min: Int?
    public var max: Int?
    /// A whole-string pattern for `string` and `secret` answers.
    public var regex: String?
    public var choices: [String]
    public var location: SourceLocation

    public init(name: String, kind: Kind, description: String? = nil, required: Bool = false, defaultValue: Value? = nil,
                min: Int? = nil, max: Int? = nil, regex: String? = nil, choices: [String] = [],
                location: SourceLocation = SourceLocation(file: "drover.yml", line: 1)) {
        self.name = name
        self.kind = kind
        self.description = description
        self.required = required
        self.defaultValue = defaultValue
        self.min = min
        self.max = max
        self.regex = regex
        self.choices = choices
        self.location = location
    }
}
