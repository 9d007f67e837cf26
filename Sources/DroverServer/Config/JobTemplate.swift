import DroverCore
import OrderedCollections

/// A vetted job a launcher may start: one entry of `DIR/drover.yml`.
/// Paths are resolved against the project directory and stay inside it.
public struct JobTemplate: Sendable, Equatable {
    public var name: String
    /// The playbook's absolute path (inside the project).
    public var playbook: String
    public var inventory: [String]
    public var limit: String?
    public var extraVars: OrderedDictionary<String, Value>
    public var forks: Int?
    /// May a launcher ask for a check (dry) run?
    public var checkAllowed: Bool
    public var tags: [String]
    public var survey: [SurveyField]
    /// The launch fields a launcher may set beyond the survey.
    public var overridable: Set<LaunchField>
    public var concurrency: ConcurrencyPolicy
    /// How long a run waits for hosts another run holds; nil: fail at once.
    public var lockWait: Duration?
    /// A run still going after this long is cancelled.
    public var timeout: Duration?
    /// The users allowed to launch it (consumed by the auth layer).
    public var grants: [String]
    /// Where it is declared, for messages.
    public var location: SourceLocation
}

/// The fields of a launch request a template may let a launcher set.
public enum LaunchField: String, Sendable, CaseIterable, Codable {
    case limit
    case extraVars = "extra_vars"
    case tags
    case skipTags = "skip_tags"
    case check
    case diff
}

/// What a launch does while another run of the same template is going.
public enum ConcurrencyPolicy: String, Sendable, CaseIterable, Codable {
    /// Wait, in order, until the template's running run ends.
    case queue
    /// Refuse the launch (409) while one runs or waits.
    case refuse
    /// Run alongside (still bounded by `--max-runs` and host locks).
    case parallel
}
