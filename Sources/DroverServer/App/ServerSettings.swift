import Foundation

/// How `drover serve` was asked to run. The environment is read here and
/// nowhere else in the server.
public struct ServerSettings: Sendable {
    public var project: String
    public var host = "127.0.0.1"
    /// 0: any free port (tests read the bound one).
    public var port = 8080
    public var shutdownGrace: Duration = .seconds(60)
    public var maxRuns = 8
    /// Accept unauthenticated requests from loopback (until auth lands).
    public var insecureLocal = false
    /// The run store's directory: `DROVER_HOME` or the CLI's default.
    public var storeHome: String

    public init(project: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.project = URL(fileURLWithPath: project).standardized.path
        if let home = environment["DROVER_HOME"], !home.isEmpty {
            storeHome = home
        } else {
            storeHome = FileManager.default.homeDirectoryForCurrentUser.path + "/.local/share/drover"
        }
    }

    /// `HOST:PORT`, as `--listen` takes it.
    public mutating func listen(on address: String) throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port),
              colon != address.startIndex else {
            throw ServerSetupError("--listen takes HOST:PORT, such as 127.0.0.1:8080, not `\(address)`")
        }
        host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }
}

/// A reason the server cannot start, worded for the operator.
public struct ServerSetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
