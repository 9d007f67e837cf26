import Crypto
import Foundation
import Hummingbird

/// The CSRF token of a browser session: an HMAC of a fixed text keyed by
/// the session's secret. A page of this server learns it from the login
/// response or `GET /api/v1/me`; another site's page can make the browser
/// send the cookie but can neither read it nor compute this. Nothing is
/// stored: the token is derived again from the cookie on each request.
enum CSRFToken {
    static let header = "X-CSRF-Token"
    static let formField = "csrf_token"
    private static let message = Data("drover csrf v1".utf8)

    static func derive(session secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return Base64URL.encode(Data(code))
    }

    /// Whether `submitted` is this session's token (compared in constant time).
    static func matches(_ submitted: String?, session secret: String) -> Bool {
        guard let submitted, let code = Base64URL.decode(submitted) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// The token a request carries: the header, else a form post's field
    /// (`FormBodyMiddleware` has read the form whole, so reading it here
    /// leaves it for the route).
    static func submitted(in request: Request) async throws -> String? {
        if let value = request.headers[.init(header)!] { return value }
        guard FormBody.isForm(request) else { return nil }
        return try await FormBody.fields(request).first { $0.name == formField }?.value
    }
}

/// base64url without padding (RFC 4648 §5), as tokens use.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        guard text.count <= 400 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
