@testable import DroverEngine
import Testing

@Suite("Agent framing, version 3")
struct AgentFrameTests {
    /// A response as the agent writes it.
    static func response(token: String, rc: Int32, out: [UInt8], err: [UInt8], meta: String) -> [UInt8] {
        utf8("DRV3 \(token)\n") + out + utf8("\n\(token)\n") + err + utf8("\n\(token)\n") + utf8(meta) + utf8("\n\(token) \(rc)\n")
    }

    @Test("short one-line fields go inline, others length-prefixed")
    func requestFields() {
        let request = AgentFrame.request("exec", [utf8("uname -r"), [], utf8("smoke test\n"), utf8("a\nb"), [0, 1]], token: "tok")
        #expect(request == utf8("DRV3 exec 5 tok\n=uname -r\n0\n+smoke test\n3\na\nb2\n") + [0, 1])
    }

    @Test("a field longer than the inline limit is length-prefixed")
    func longField() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: AgentFrame.inlineLimit + 1)
        #expect(AgentFrame.request("stat", [long], token: "t") == utf8("DRV3 stat 1 t\n\(long.count)\n") + long)
        let limit = [UInt8](repeating: UInt8(ascii: "x"), count: AgentFrame.inlineLimit)
        #expect(AgentFrame.request("stat", [limit], token: "t") == utf8("DRV3 stat 1 t\n=") + limit + [10])
    }

    @Test("tokens are fresh letters and digits")
    func tokens() {
        let tokens = (0..<100).map { _ in AgentFrame.newToken() }
        #expect(Set(tokens).count == 100)
        #expect(tokens.allSatisfy { $0.count == 17 && $0.allSatisfy { $0.isLetter || $0.isNumber } })
    }

    @Test("a response splits into rc, out, err and meta", arguments: [
        ([UInt8](), [UInt8](), ""),
        (utf8("6.1.0\n"), [], ""),
        ([0, 10, 255, 10], utf8("warning\n"), "exists=1\ntype=file\n"),
        (utf8("no newline"), utf8("\n\n"), "timed_out=1\n"),
    ])
    func parse(_ out: [UInt8], _ err: [UInt8], _ meta: String) throws {
        let frame = Self.response(token: "t1", rc: 3, out: out, err: err, meta: meta)
        let response = try #require(AgentFrame.parseResponse(frame, token: "t1"))
        #expect(response.rc == 3 && response.stdout == out && response.stderr == err && response.metaText == meta)
    }

    @Test("output holding another request's token lines stays output")
    func foreignToken() throws {
        let out = utf8("x\ntold\n\ntold 0\n")
        let frame = Self.response(token: "tnew", rc: 0, out: out, err: [], meta: "")
        var detector = AgentFrame.ResponseDetector()
        #expect(detector.frameLength(in: frame) == frame.count)
        #expect(try #require(AgentFrame.parseResponse(frame, token: "tnew")).stdout == out)
    }

    @Test("a response to another request, or out of protocol, is refused")
    func refused() {
        let frame = Self.response(token: "t1", rc: 0, out: [], err: [], meta: "")
        #expect(AgentFrame.parseResponse(frame, token: "t2") == nil)
        #expect(AgentFrame.parseResponse(utf8("DRV1 0 0 0 0\n"), token: nil) == nil)
        #expect(AgentFrame.parseResponse(utf8("DRV3 t1\n\nt1\n\nt1\n\nt1 x\n"), token: "t1") == nil)
    }

    @Test("the detector finds the end however the bytes arrive, and leaves what follows")
    func detectorChunks() {
        let first = Self.response(token: "abc", rc: 0, out: utf8(String(repeating: "line\n", count: 500)), err: utf8("e"), meta: "k=v\n")
        let next = Self.response(token: "def", rc: 1, out: [], err: [], meta: "")
        let stream = first + next
        for chunk in [1, 2, 3, 7, 64, 1000, stream.count] {
            var detector = AgentFrame.ResponseDetector()
            var buffer: [UInt8] = []
            var length: Int?
            var offset = 0
            while length == nil, offset < stream.count {
                buffer += stream[offset..<min(offset + chunk, stream.count)]
                offset += chunk
                length = detector.frameLength(in: buffer)
            }
            #expect(length == first.count, "chunk \(chunk)")
        }
    }

    @Test("a malformed header ends the frame at its line, so the caller reports it")
    func badHeader() {
        var detector = AgentFrame.ResponseDetector()
        let frame = utf8("garbage from a login script\n")
        #expect(detector.frameLength(in: frame) == frame.count)
        #expect(AgentFrame.parseResponse(frame) == nil)
    }
}

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
