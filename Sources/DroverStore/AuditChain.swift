import Crypto
import DroverCore
import Foundation
import OrderedCollections

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

    /// `details` as stored: JSON with sorted keys, the values of
    /// secret-looking names hidden at any depth (the rule extra vars follow
    /// in `runs`), a last guard against a secret slipping into the log.
    static func detailsJSON(_ details: [String: Value]) -> String {
        redacted(.dict(OrderedDictionary(uniqueKeysWithValues: details.sorted { $0.key < $1.key }))).jsonText(sortKeys: true)
    }

    private static func redacted(_ value: Value) -> Value {
        switch value {
        case .dict(let entries):
            var clean = OrderedDictionary<String, Value>()
            for (key, item) in entries { clean[key] = RunInfo.isSecretName(key) ? .string("********") : redacted(item) }
            return .dict(clean)
        case .list(let items):
            return .list(items.map(redacted))
        default:
            return value
        }
    }
}
