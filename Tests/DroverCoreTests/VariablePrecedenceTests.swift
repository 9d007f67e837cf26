import DroverCore
import Foundation
import OrderedCollections
import Testing

@Suite("Variable precedence")
struct VariablePrecedenceTests {
    @Test("each layer beats every layer below it")
    func layers() {
        var layers = VariableLayers()
        let names = ["role defaults", "inventory", "facts", "play vars", "vars_files", "role vars", "block vars",
                     "task vars", "include vars", "set_fact/register", "role parameters", "extra vars"]
        // Set `x` in the lowest k layers; the k-th must win.
        for k in 1...names.count {
            layers = VariableLayers()
            let value = Value.string(names[k - 1])
            for level in 0..<k {
                let v: VariableLayers.Vars = ["x": level == k - 1 ? value : .string("lower")]
                switch level {
                case 0: layers.roleDefaults = [v]
                case 1: layers.inventory = ["x": v["x"]!]
                case 2: layers.facts = v
                case 3: layers.playVars = v
                case 4: layers.varsFiles = [v]
                case 5: layers.roleVars = [v]
                case 6: layers.blockVars = [v]
                case 7: layers.taskVars = v
                case 8: layers.includeVars = v
                case 9: layers.hostFacts = v
                case 10: layers.roleParameters = v
                default: layers.extraVars = v
                }
            }
            #expect(layers.merged()["x"] == value)
            #expect(layers.source(of: "x") == names[k - 1])
        }
    }

    @Test("inner blocks and later vars_files win; dicts replace whole")
    func ordering() {
        var layers = VariableLayers()
        layers.varsFiles = [["a": .int(1), "d": .dict(["k": .int(1), "j": .int(2)])], ["a": .int(2), "d": .dict(["k": .int(3)])]]
        layers.blockVars = [["b": .string("outer")], ["b": .string("inner")]]
        let merged = layers.merged()
        #expect(merged["a"] == .int(2))
        #expect(merged["b"] == .string("inner"))
        #expect(merged["d"] == .dict(["k": .int(3)]))
    }

    @Test("playbook group_vars/host_vars rank between the inventory's, as in Ansible")
    func playbookVarsDirectories() throws {
        let root = "/tmp/drover-precedence-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        func write(_ path: String, _ text: String) throws {
            let full = "\(root)/\(path)"
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try write("inv/hosts", "[web]\nw1 from_host_line=inventory\n[all:vars]\na=inventory-file\n")
        try write("inv/group_vars/all.yml", "a: inventory-group_vars-all\nb: inventory-group_vars-all\n")
        try write("inv/group_vars/web.yml", "b: inventory-group_vars-web\nc: inventory-group_vars-web\n")
        try write("inv/host_vars/w1.yml", "from_host_line: inventory-host_vars\n")
        try write("play/group_vars/all.yml", "a: playbook-group_vars-all\nb: playbook-group_vars-all\n")
        try write("play/group_vars/web.yml", "c: playbook-group_vars-web\n")
        try write("play/host_vars/w1.yml", "from_host_line: playbook-host_vars\n")
        var inventory = try Inventory.load("\(root)/inv/hosts")
        let before = inventory.variables(for: "w1")
        #expect(before["a"] == .string("inventory-group_vars-all"))
        #expect(before["b"] == .string("inventory-group_vars-web"))
        #expect(before["from_host_line"] == .string("inventory-host_vars"))
        try VarsDirectory.apply(beside: "\(root)/play", to: &inventory, besidePlaybook: true)
        let after = inventory.variables(for: "w1")
        #expect(after["a"] == .string("playbook-group_vars-all"))
        // inventory group_vars/web beats playbook group_vars/all…
        #expect(after["b"] == .string("inventory-group_vars-web"))
        // …and playbook group_vars/web beats inventory group_vars/web.
        #expect(after["c"] == .string("playbook-group_vars-web"))
        #expect(after["from_host_line"] == .string("playbook-host_vars"))
    }

    @Test("magic variables from the inventory")
    func magic() throws {
        let inventory = try Inventory.load("web1.example.com,db1,")
        let magic = inventory.magicVariables(for: "web1.example.com")
        #expect(magic["inventory_hostname_short"] == .string("web1"))
        #expect(magic["group_names"] == .list([]))
        guard case .dict(let groups)? = magic["groups"] else { Issue.record("groups missing"); return }
        #expect(groups["all"] == .list([.string("web1.example.com"), .string("db1")]))
        #expect(groups["ungrouped"] == .list([.string("web1.example.com"), .string("db1")]))
    }
}
