import DroverCore
import Testing

@Suite("Host patterns")
struct HostPatternTests {
    static let inventory: Inventory = {
        var inventory = Inventory()
        try! INIInventoryParser(path: "hosts").parse("""
            [web]
            web1
            web2
            web3
            [db]
            db1
            db2
            [staging]
            web3
            db2
            """, into: &inventory)
        inventory.reconcile()
        return inventory
    }()

    @Test("patterns resolve like Ansible's", arguments: [
        ("all", ["web1", "web2", "web3", "db1", "db2"]),
        ("*", ["web1", "web2", "web3", "db1", "db2"]),
        ("staging:web", ["web3", "db2", "web1", "web2"]),
        ("web", ["web1", "web2", "web3"]),
        ("web:db", ["web1", "web2", "web3", "db1", "db2"]),
        ("web,db1", ["web1", "web2", "web3", "db1"]),
        ("web:&staging", ["web3"]),
        ("web:!staging", ["web1", "web2"]),
        ("all:!web3:&staging", ["db2"]),
        ("!staging:all", ["web1", "web2", "db1"]),
        ("web[0:1]", ["web1", "web2"]),
        ("web[1-2]", ["web2", "web3"]),
        ("web[-1]", ["web3"]),
        ("~db[12]", ["db1", "db2"]),
        ("db?", ["db1", "db2"]),
        ("*1", ["web1", "db1"]),
        ("d*:&staging", ["db2"]),
        ("web2", ["web2"]),
    ])
    func resolve(pattern: String, expected: [String]) throws {
        #expect(try HostPattern.resolve(pattern, in: Self.inventory) == expected)
    }

    @Test("an unknown name suggests the closest one")
    func didYouMean() {
        let error = #expect(throws: InputError.self) { try HostPattern.resolve("wbe", in: Self.inventory) }
        #expect(error?.code == .noHostsMatched)
        #expect(error?.message.contains("did you mean `web`") == true)
    }
}
