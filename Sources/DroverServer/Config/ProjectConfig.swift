import DroverCore
import OrderedCollections

/// `DIR/drover.yml`, parsed and checked: the job templates a server offers.
public struct ProjectConfig: Sendable {
    public var directory: String
    public var file: String
    public var templates: OrderedDictionary<String, JobTemplate>

    public static func fileName(in directory: String) -> String { directory + "/drover.yml" }
}
