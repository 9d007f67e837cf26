import DroverCore
import DroverStore
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
    /// Whether playbooks may run on this machine or read its environment
    /// (local connections, delegate_to: localhost, lookup('env'),
    /// with_lines): forbidden unless `--allow-controller-access`, since a
    /// server runs playbooks for other people.
    public var controllerAccess = ControllerAccess.forbidden
    /// The run store's directory, where the CLI's is (`StoreLocation`).
    public var storeHome: String
    /// Browser sessions' idle and absolute timeouts.
    public var sessions = SessionPolicy()
    /// Login throttling per user name and per address.
    public var logins = LoginRateLimiter.Policy()
    /// `--tls-cert`/`--tls-key`: serve HTTPS with these PEM files (nil:
    /// plain HTTP). With TLS, session cookies are `Secure` (HTTPS only).
    public var tls: TLSFiles?

    /// `http` or `https`, as clients reach the server.
    public var scheme: String { tls == nil ? "http" : "https" }

    public init(project: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.project = URL(fileURLWithPath: project).standardized.path
        storeHome = StoreLocation.home(environment: environment)
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
