import DroverCore
import Foundation
import Testing

@Suite("Extra variables (-e)")
struct ExtraVarsTests {
    @Test("k=v, JSON and @file forms, later ones winning")
    func forms() throws {
        let path = "/tmp/drover-extra-\(UInt32.random(in: 0...UInt32.max)).yml"
        try "port: 8080\nhosts: [a, b]\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let vars = try ExtraVars.parse(["version=1.2 msg='hello world' port=1", "@\(path)", #"{"debug": true, "version": "2.0"}"#])
        #expect(vars["msg"] == .string("hello world"))
        #expect(vars["port"] == .int(8080))  // the file came later
        #expect(vars["hosts"] == .list([.string("a"), .string("b")]))
        #expect(vars["debug"] == .bool(true))
        #expect(vars["version"] == .string("2.0"))
    }

    @Test("k=v values stay text, as in Ansible")
    func textValues() throws {
        #expect(try ExtraVars.parse(["n=5"])["n"] == .string("5"))
    }

    @Test("bad input is a clear error", arguments: [
        ("lonely", "not key=value"),
        ("@/nonexistent/vars.yml", "does not exist"),
        ("{not: [closed", "YAML syntax error"),
        ("1x=2", "not a valid variable name"),
    ])
    func errors(argument: String, phrase: String) {
        let error = #expect(throws: InputError.self) { try ExtraVars.parse([argument]) }
        #expect(error?.description.contains(phrase) == true, "\(error?.description ?? "")")
    }
}
