import Foundation

/// Why an API token was refused. The server answers 401 with the message;
/// the message never contains the token.
public struct TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformed = "token_malformed"
        case unknown = "token_unknown"
        case expired = "token_expired"
        case revoked = "token_revoked"
        case userDisabled = "user_disabled"
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .malformed: "this is not a Drover API token (they start with \(TokenSecret.prefix)): check what was pasted"
        case .unknown: "unknown API token: it may have been mistyped or deleted; create one with drover tokens create"
        case .expired: "this API token has expired: create a new one with drover tokens create"
        case .revoked: "this API token was revoked: create a new one with drover tokens create"
        case .userDisabled: "the user of this API token is disabled: ask an admin"
        }
    }
}
