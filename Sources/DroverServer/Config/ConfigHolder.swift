import DroverCore
import Foundation

/// The project's current drover.yml. A reload that finds an error keeps
/// the config in force and reports the error; one that succeeds swaps it
/// whole, so a launch never sees half of each.
public final class ConfigHolder: @unchecked Sendable {
    public let directory: String
    private let lock = NSLock()
    private var current: ProjectConfig

    public init(_ config: ProjectConfig) {
        directory = config.directory
        current = config
    }

    /// Reads and checks `DIR/drover.yml` (off the cooperative pool).
    public static func load(directory: String) async throws -> ConfigHolder {
        ConfigHolder(try await OffThePool.run { try ConfigParser(directory: directory).load() })
    }

    public var config: ProjectConfig { lock.withLock { current } }

    public func template(_ name: String) -> JobTemplate? { config.templates[name] }

    /// What a successful reload changed, by template name.
    public struct Change: Sendable, Equatable {
        public var added: [String]
        public var removed: [String]
        public var changed: [String]
    }

    public func reload() async throws -> Change {
        let directory = self.directory
        let fresh = try await OffThePool.run { try ConfigParser(directory: directory).load() }
        return lock.withLock {
            let old = current.templates
            current = fresh
            return Change(added: fresh.templates.keys.filter { old[$0] == nil },
                          removed: old.keys.filter { fresh.templates[$0] == nil },
                          changed: fresh.templates.keys.filter { name in
                              guard var before = old[name], let after = fresh.templates[name] else { return false }
                              before.location = after.location  // moving a template in the file is no change
                              return before != after
                          })
        }
    }
}
