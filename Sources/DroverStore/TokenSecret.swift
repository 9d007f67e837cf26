import Crypto
import Foundation

/// The text of API tokens and session cookies: a prefix (`drv_` for
/// tokens, `drs_` for sessions) and 32 random bytes in base64url (43
/// characters). The prefix lets secret scanners and people recognise a
/// leaked one; the store keeps only the SHA-256 of the whole text.
enum TokenSecret {
    static let prefix = "drv_"
    static let sessionPrefix = "drs_"

    static func generate(prefix: String = prefix) -> String {
        // SymmetricKey draws from the system's secure random source.
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return prefix + bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `text` has the shape of an API token (before any lookup).
    static func isWellFormed(_ text: String) -> Bool { isWellFormed(text, prefix: prefix) }

    /// Whether `text` has the shape of a secret with that prefix.
    static func isWellFormed(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let body = text.dropFirst(prefix.count)
        return body.count == 43 && body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
