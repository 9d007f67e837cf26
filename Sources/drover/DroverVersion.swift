import DroverEngine

/// What `drover --version` and `drover version` print.
enum DroverVersion {
    /// This release of Drover; raise it when one is tagged.
    static let release = "0.1.0"

    /// With the agent protocol this controller speaks, which a host's
    /// cached agent must speak too.
    static var text: String { "drover \(release) (agent protocol \(AgentFrame.version))" }
}
