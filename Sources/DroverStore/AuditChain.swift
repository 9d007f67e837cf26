import Crypto
import Foundation

/// How an audit entry is hashed: a SHA-256 over its fields, each written
/// with its length (so no two different entries give the same input), and
/// the previous entry's hash, so editing, removing or reordering an entry
/// breaks every link after it.
enum AuditChain {
    /// The `prev_sha256` of the first entry.
    static let genesis = String(repeating: "0", count: 64)

    static func hash(id: Int64, at: String, actor: String, source: String, action: String, details: String, prev: String) -> String {
        var input = "drover-audit-v1\n"
        for field in [String(id), at, actor, source, action, details, prev] {
            input += "\(field.utf8.count):\(field)\n"
        }
        return SHA256.hash(data: Data(input.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func hash(_ entry: AuditEntry) -> String {
        hash(id: entry.id, at: entry.at, actor: entry.actor, source: entry.source, action: entry.action,
             details: entry.details, prev: entry.prevSHA256)
    }

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    static func parse(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text)
    }

    /// Keys whose values are never written to the log, whatever the caller
    /// passes: a last guard against a secret slipping into `details`.
    static func redacted(_ details: [String: String]) -> [String: String] {
        var clean = details
        for key in details.keys {
            let lower = key.lowercased()
            if ["password", "secret", "token", "passphrase"].contains(where: { lower.contains($0) }) && !lower.hasSuffix("_id") {
                clean[key] = "<redacted>"
            }
        }
        return clean
    }
}
