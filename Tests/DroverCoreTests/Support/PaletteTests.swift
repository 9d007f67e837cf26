import DroverCore
import Testing

@Suite("terminal colours as ansible-playbook's")
struct PaletteTests {
    @Test("colour only on a terminal, and not with --no-color, a non-empty NO_COLOR or TERM=dumb")
    func choice() {
        let term = ["TERM": "xterm-256color"]
        #expect(Palette.choose(isTerminal: true, noColorFlag: false, environment: term).enabled)
        #expect(Palette.choose(isTerminal: true, noColorFlag: false, environment: [:]).enabled)
        #expect(!Palette.choose(isTerminal: false, noColorFlag: false, environment: term).enabled)
        #expect(!Palette.choose(isTerminal: true, noColorFlag: true, environment: term).enabled)
        #expect(!Palette.choose(isTerminal: true, noColorFlag: false, environment: ["NO_COLOR": "1", "TERM": "xterm"]).enabled)
        // no-color.org: an empty NO_COLOR does not count.
        #expect(Palette.choose(isTerminal: true, noColorFlag: false, environment: ["NO_COLOR": "", "TERM": "xterm"]).enabled)
        #expect(!Palette.choose(isTerminal: true, noColorFlag: false, environment: ["TERM": "dumb"]).enabled)
    }

    @Test("each line is wrapped on its own; a plain palette changes nothing")
    func paint() {
        let palette = Palette(enabled: true)
        #expect(palette.paint("ok: [h1]", .green) == "\u{1B}[0;32mok: [h1]\u{1B}[0m")
        #expect(palette.paint("a\nb", .red) == "\u{1B}[0;31ma\u{1B}[0m\n\u{1B}[0;31mb\u{1B}[0m")
        #expect(palette.paint("plain", nil) == "plain")
        #expect(Palette.plain.paint("ok: [h1]", .green) == "ok: [h1]")
    }

    @Test("results and diff lines get Ansible's default colours")
    func ansibleColours() {
        #expect(TerminalColor.of(.ok) == .green && TerminalColor.of(.changed) == .yellow && TerminalColor.of(.failed) == .red)
        #expect(TerminalColor.of(.skipped) == .cyan && TerminalColor.of(.unreachable) == .brightRed)
        #expect(TerminalColor.brightRed.rawValue == "1;31" && TerminalColor.cyan.rawValue == "0;36")
        let palette = Palette(enabled: true)
        #expect(palette.diffLine("+new") == "\u{1B}[0;32m+new\u{1B}[0m")
        #expect(palette.diffLine("-old") == "\u{1B}[0;31m-old\u{1B}[0m")
        #expect(palette.diffLine("@@ -1 +1 @@") == "\u{1B}[0;36m@@ -1 +1 @@\u{1B}[0m")
        #expect(palette.diffLine(" context") == " context")
    }
}
