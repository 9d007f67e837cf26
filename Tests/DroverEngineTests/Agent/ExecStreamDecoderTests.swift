@testable import DroverEngine
import Foundation
import Testing

@Suite("Streamed exec responses (protocol 3)")
struct ExecStreamDecoderTests {
    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var out: [UInt8] = [], err: [UInt8] = []
        func add(_ stream: ExecOutputStream, _ bytes: ArraySlice<UInt8>) {
            lock.withLock { if stream == .stdout { out += bytes } else { err += bytes } }
        }
    }

    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The stdout and stderr sides of an exec of `out`/`err`, as the agent
    /// writes them: no header line, the output first.
    static func sides(_ token: String, out: [UInt8], err: [UInt8], rc: Int = 0) -> ([UInt8], [UInt8]) {
        (out + utf8("\n\(token)\n\n\(token)\nstderr=stream\n\(token) \(rc)\n"),
         err + utf8("\n\(token)\n"))
    }

    /// Outputs that start like a header (up to where they part from it) or
    /// not at all, and none.
    static let outputs: [[UInt8]] = [
        Array("line one\n".utf8) + [0, 255, 10] + Array("t0123456789abcde\nlast".utf8),
        Array("DRV3 t0123456789abcdeX\n".utf8),
        Array("DRV3 t01".utf8),
        Array("DRV2 t0123456789abcdef\n".utf8),
        [],
    ]

    @Test("output is handed on as it arrives, byte-exact, whatever the split; the response is whole only with both markers",
          arguments: [1, 2, 3, 7, 64], outputs)
    func streamsInPieces(step: Int, out: [UInt8]) {
        let token = "t0123456789abcdef"
        let err = Array("warning\n\(token.dropLast())\n".utf8)
        let (stdout, stderr) = Self.sides(token, out: out, err: err, rc: 3)
        let collected = Collected()
        var decoder = ExecStreamDecoder(token: token, onOutput: collected.add)
        var pendingOut: [UInt8] = [], pendingErr: [UInt8] = []
        var done = false
        var offset = 0
        while offset < max(stdout.count, stderr.count) {
            if offset < stdout.count { pendingOut += stdout[offset..<min(offset + step, stdout.count)] }
            if offset < stderr.count { pendingErr += stderr[offset..<min(offset + step, stderr.count)] }
            offset += step
            done = decoder.advance(stdout: &pendingOut, stderr: &pendingErr)
            #expect(!done || offset >= max(stdout.count, stderr.count))
        }
        #expect(done)
        #expect(collected.out == out)
        #expect(collected.err == err)
        #expect(decoder.result?.stdout == out)
        #expect(decoder.result?.stderr == err)
        #expect(decoder.result?.rc == 3)
    }

    @Test("bytes after the response stay for the next one, on both streams")
    func leavesWhatFollows() {
        let (stdout, stderr) = Self.sides("tk", out: Self.utf8("a"), err: Self.utf8("b"))
        var out = stdout + Self.utf8("DRV3 next\n"), err = stderr + Self.utf8("stray")
        var decoder = ExecStreamDecoder(token: "tk", onOutput: nil)
        #expect(decoder.advance(stdout: &out, stderr: &err))
        #expect(out == Self.utf8("DRV3 next\n"))
        #expect(err == Self.utf8("stray"))
    }

    @Test("an exec answered without streaming (refused) completes without a stderr marker")
    func refused() {
        var out = Self.utf8("DRV3 tk\n\ntk\nbad field\ntk\n\ntk 2\n"), err: [UInt8] = []
        var decoder = ExecStreamDecoder(token: "tk", onOutput: nil)
        #expect(decoder.advance(stdout: &out, stderr: &err))
        #expect(decoder.result?.rc == 2)
        #expect(decoder.result?.stderrText == "bad field")
    }

    @Test("requests parse back into operation, fields and token (the in-memory agent's reader)")
    func requestsRoundTrip() {
        let fields: [[UInt8]] = [Self.utf8("short"), Self.utf8("line\n"), [0, 1, 2], Array(repeating: 65, count: 600), []]
        let bytes = AgentFrame.request("exec", fields, token: "t1") + AgentFrame.request("kill", [Self.utf8("TERM")], token: "t2")
        let parsed = AgentFrame.parseRequests(bytes)
        #expect(parsed == [AgentFrame.Request(operation: "exec", fields: fields, token: "t1"),
                           AgentFrame.Request(operation: "kill", fields: [Self.utf8("TERM")], token: "t2")])
        #expect(AgentFrame.parseRequests(Array(bytes.prefix(20))).isEmpty)
    }
}
