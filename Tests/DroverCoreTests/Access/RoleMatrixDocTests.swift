import DroverCore
import Foundation
import Testing

/// docs/server.md's role table is the contract the server's route test
/// walks; this keeps it and `Authorization.decide` from drifting apart.
@Suite("docs/server.md's role matrix matches Authorization.decide")
struct RoleMatrixDocTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/server.md")

    /// The table's rows: action name → cells, by column header.
    static func table() throws -> [String: [String: String]] {
        let text = try String(contentsOf: document, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("| action | admin |") }) else { return [:] }
        let header = cells(lines[start])
        var rows: [String: [String: String]] = [:]
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("|") else { break }
            let values = cells(line)
            rows[values[0]] = Dictionary(uniqueKeysWithValues: zip(header, values))
        }
        return rows
    }

    static func cells(_ line: String) -> [String] {
        line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
    }

    /// The word the table uses for what `decide` says.
    static func cell(_ role: UserRole, _ kind: ServerAction.Kind) -> String {
        if AccessSamples.allowed(role, AccessSamples.others(kind)) { return "yes" }
        if AccessSamples.allowed(role, AccessSamples.own(kind)) { return kind == .launch ? "granted" : "own" }
        return "no"
    }

    static func narrowestScope(_ kind: ServerAction.Kind) -> String {
        TokenScope.allCases.first { AccessSamples.allowed(.admin, AccessSamples.others(kind), scope: $0) }?.rawValue ?? "none"
    }

    @Test("the table has one row per action kind and no other")
    func rows() throws {
        let table = try Self.table()
        #expect(Set(table.keys) == Set(ServerAction.Kind.allCases.map(\.rawValue)), "rows: \(table.keys.sorted())")
    }

    @Test("each cell of the table is what Authorization.decide answers", arguments: ServerAction.Kind.allCases)
    func cells(kind: ServerAction.Kind) throws {
        let row = try #require(try Self.table()[kind.rawValue], "docs/server.md has no row for \(kind.rawValue)")
        for role in UserRole.allCases {
            #expect(row[role.rawValue] == Self.cell(role, kind), "\(kind.rawValue) × \(role.rawValue)")
        }
        #expect(row["token scope"] == Self.narrowestScope(kind), "\(kind.rawValue) scope")
    }
}
