import DroverCore
import Testing

@Suite("User names, passwords and token lifetimes")
struct CredentialsTests {
    @Test("user names: letters, digits, . _ -, starting with a letter or digit, at most 64",
          arguments: [("alice", true), ("ops.team_2-b", true), ("7up", true), ("", false), ("-x", false), ("a b", false),
                      ("élise", false), ("a;drop", false), (String(repeating: "a", count: 64), true), (String(repeating: "a", count: 65), false)])
    func names(name: String, valid: Bool) {
        #expect(((try? Credentials.checkUserName(name)) != nil) == valid, "\(name)")
    }

    @Test("passwords: at least 8 characters, at most 72 bytes; the message never repeats the password")
    func passwords() throws {
        try Credentials.checkPassword("correct horse")
        try Credentials.checkPassword(String(repeating: "é", count: 36))
        #expect(throws: InputError.self) { try Credentials.checkPassword("hunter2") }
        do {
            try Credentials.checkPassword(String(repeating: "é", count: 37))
            Issue.record("a 74-byte password was accepted")
        } catch {
            #expect(error.code == .passwordTooLong)
            #expect(!error.message.contains("é"))
        }
    }

    @Test("durations", arguments: [("30d", 30 * 86400.0), ("12h", 43200.0), ("90m", 5400.0), ("2w", 1_209_600.0), (" 1D ", 86400.0)])
    func durations(text: String, seconds: Double) throws {
        #expect(try ExpiryDuration.parse(text) == seconds)
    }

    @Test("never means no expiry; nonsense is refused with the accepted forms", arguments: ["30", "d", "-1d", "0d", "3x", "1.5d", "99999d"])
    func badDurations(text: String) throws {
        #expect(try ExpiryDuration.parse("never") == nil)
        #expect(throws: InputError.self) { try ExpiryDuration.parse(text) }
    }
}
