import Foundation

/// `--server`: the base URL of a `drover serve` (`http://` or `https://`,
/// host, optional port and path prefix, as a reverse proxy may add one).
public struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
    /// The URL without a trailing slash; API paths are appended to it.
    public let base: String
    public let isTLS: Bool

    public init(_ text: String) throws(ClientSetupError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw ClientSetupError("--server takes the server's URL, such as https://drover.example:8080 or http://127.0.0.1:8080, not `\(text)`")
        }
        guard url.query == nil, url.fragment == nil, url.user == nil else {
            throw ClientSetupError("--server takes the server's base URL, without a query, fragment or user: not `\(text)`")
        }
        var base = trimmed
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/api/v1") { base.removeLast("/api/v1".count) }
        self.base = base
        isTLS = scheme == "https"
    }

    public var description: String { base }

    public func url(_ path: String) -> String { base + path }
}
