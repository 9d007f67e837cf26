import Foundation

/// The credential of an HTTP `Authorization` header.
public enum BearerToken {
    /// The token of `Bearer <token>` (the scheme in any case, RFC 9110),
    /// or nil for a missing header, another scheme or an empty token.
    public static func parse(authorizationHeader header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty || token.contains(" ") ? nil : token
    }
}
