import Foundation

/// Why an API token or a browser session was refused. The server answers
/// 401 with the message; the message never contains the credential.
public struct CredentialRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformed = "token_malformed"
        case unknown = "token_unknown"
        case expired = "token_expired"
        case revoked = "token_revoked"
        /// The session cookie is not (or no longer) one of a live session:
        /// signed out, ended by a new password, or never made here.
        case sessionUnknown = "session_unknown"
        /// Past the idle timeout or the absolute lifetime.
        case sessionExpired = "session_expired"
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
        case .sessionUnknown: "this session is not known (signed out, or ended by a new password): sign in again with POST /api/v1/login"
        case .sessionExpired: "this session has expired: sign in again with POST /api/v1/login"
        case .userDisabled: "the user of these credentials is disabled: ask an admin"
        }
    }
}
