import DroverCore
import Testing

@Suite("Shell word splitting (shlex)")
struct ShellWordsTests {
    @Test("splits like shlex.split", arguments: [
        ("a b  c", ["a", "b", "c"]),
        ("k='a b' x=\"c d\"", ["k=a b", "x=c d"]),
        ("-o 'UserKnownHostsFile=/tmp/k h' -oX=y", ["-o", "UserKnownHostsFile=/tmp/k h", "-oX=y"]),
        ("a\\ b 'it''s'", ["a b", "its"]),
        ("\"say \\\"hi\\\"\"", ["say \"hi\""]),
        ("''", [""]),
        ("", []),
    ])
    func split(line: String, words: [String]) throws {
        #expect(try ShellWords.split(line).map(\.text) == words)
    }

    @Test("reports the column of an unterminated quote")
    func unterminated() {
        #expect(throws: ShellWords.SplitError.unterminatedQuote(column: 3)) { try ShellWords.split("a 'b") }
    }

    @Test("words carry their columns")
    func columns() throws {
        #expect(try ShellWords.split("ab  'c d' e").map(\.column) == [1, 5, 11])
    }
}
