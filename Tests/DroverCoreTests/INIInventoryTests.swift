import DroverCore
import Testing

@Suite("INI inventory")
struct INIInventoryTests {
    static let text = """
        # a comment
        bastion ansible_host=10.9.9.9

        [web]
        web1 ansible_host=127.0.1.1 http_port=8080
        web2:2222 ansible_user='deploy user' weight=1.5 enabled=True

        [db]
        db1 ansible_host=127.0.1.3
        web1

        [prod:children]
        web
        db

        [web:vars]
        role=frontend
        ntp="ntp.example.com"

        [prod:vars]
        role=prod
        env=production

        [all:vars]
        ansible_user=root
        """

    static func parse(_ text: String = text) throws -> Inventory {
        var inventory = Inventory()
        try INIInventoryParser(path: "hosts.ini").parse(text, into: &inventory)
        inventory.reconcile()
        return inventory
    }

    @Test("hosts, groups and children")
    func structure() throws {
        let inventory = try Self.parse()
        #expect(inventory.hosts.map(\.name) == ["bastion", "web1", "web2", "db1"])
        #expect(inventory.hosts(inGroup: "web") == ["web1", "web2"])
        #expect(inventory.hosts(inGroup: "prod") == ["web1", "web2", "db1"])
        #expect(inventory.hosts(inGroup: "ungrouped") == ["bastion"])
        #expect(inventory.groups["all"]?.children.contains("prod") == true)
    }

    @Test("host-line values are typed, :vars values are text, ports come from host:port")
    func values() throws {
        let inventory = try Self.parse()
        let web2 = try #require(inventory.host(named: "web2"))
        #expect(web2.vars["ansible_port"] == .int(2222))
        #expect(web2.vars["ansible_user"] == .string("deploy user"))
        #expect(web2.vars["weight"] == .double(1.5))
        #expect(web2.vars["enabled"] == .bool(true))
        #expect(inventory.groups["web"]?.vars["ntp"] == .string("ntp.example.com"))
    }

    @Test("variables merge all < parent < child < host")
    func precedence() throws {
        let inventory = try Self.parse()
        let web1 = inventory.variables(for: "web1")
        #expect(web1["role"] == .string("frontend"))  // web is a child of prod
        #expect(web1["env"] == .string("production"))
        #expect(web1["ansible_user"] == .string("root"))
        #expect(web1["http_port"] == .int(8080))
        #expect(inventory.variables(for: "db1")["role"] == .string("prod"))
        #expect(inventory.variables(for: "web2")["ansible_user"] == .string("deploy user"))
        #expect(inventory.variables(for: "bastion")["ansible_user"] == .string("root"))
    }

    @Test("mistakes name file:line:column and the fix", arguments: [
        ("[web\nhost1", "hosts.ini:1:1", "closing `]`"),
        ("[web:kids]\nhost1", "hosts.ini:1:1", "unknown section type"),
        ("[web]\nhost1 ansible_host", "hosts.ini:2:7", "expected `key=value`"),
        ("[web]\n  host1 user='unterminated", "hosts.ini:2:14", "unterminated quote"),
        ("[web:vars]\njust-a-word", "hosts.ini:2:1", "expected `key=value`"),
        ("[web]\nhost1 1bad=x", "hosts.ini:2:7", "not a valid variable name"),
    ])
    func errors(text: String, location: String, phrase: String) throws {
        let error = #expect(throws: InputError.self) { try Self.parse(text) }
        #expect(error?.location?.description == location)
        #expect(error?.message.contains(phrase) == true, "\(error?.message ?? "")")
    }
}
