import DroverCore
import Foundation
import Testing

/// Compares Drover's reading of each fixture with what real Ansible printed
/// for it (recorded by ops/record-inventory-fixtures).
@Suite("Inventory parity with ansible-inventory")
struct AnsibleInventoryParityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/inventory")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).sorted()
    }

    static func file(_ fixture: String, _ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent("\(fixture)/\(name)"), encoding: .utf8)
    }

    static func load(_ fixture: String) throws -> Inventory {
        let source = try file(fixture, "SOURCE").trimmingCharacters(in: .whitespacesAndNewlines)
        return try Inventory.load(fixtures.appendingPathComponent("\(fixture)/\(source)").path)
    }

    @Test("there are fixtures to compare")
    func fixturesExist() {
        #expect(Self.names.count >= 4)
    }

    @Test("--list prints what ansible-inventory --list printed", arguments: names)
    func list(fixture: String) throws {
        let expected = try Self.file(fixture, "expected-list.json").trimmingCharacters(in: .newlines)
        let actual = try Self.load(fixture).listing().jsonText(indent: 4, sortKeys: true)
        #expect(actual == expected)
        #expect(try Value.parseJSON(actual) == Value.parseJSON(expected))
    }

    @Test("--graph prints what ansible-inventory --graph printed", arguments: names)
    func graph(fixture: String) throws {
        let expected = try Self.file(fixture, "expected-graph.txt").trimmingCharacters(in: .newlines)
        #expect(try Self.load(fixture).graph() == expected)
    }

    @Test("host patterns select what `ansible PATTERN --list-hosts` selected, in its order", arguments: names)
    func patterns(fixture: String) throws {
        let inventory = try Self.load(fixture)
        let blocks = try Self.file(fixture, "expected-patterns.txt").components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(!blocks.isEmpty)
        for block in blocks {
            let lines = block.split(separator: "\n").map(String.init)
            let pattern = lines[0]
            #expect(try HostPattern.resolve(pattern, in: inventory) == Array(lines.dropFirst()), "pattern \(pattern)")
        }
    }

    @Test("a comma list is a list of ungrouped hosts")
    func commaList() throws {
        let inventory = try Inventory.load("a,b,")
        #expect(inventory.listing().jsonText(sortKeys: true)
            == #"{"_meta": {"hostvars": {}, "profile": "inventory_legacy"}, "all": {"children": ["ungrouped"]}, "ungrouped": {"hosts": ["a", "b"]}}"#)
    }
}
