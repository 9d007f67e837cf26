import DroverClient
import DroverCore
import Testing

/// The events' JSON read back as the server wrote it, and the SSE framing
/// read in chunks cut anywhere.
@Suite("Run events as JSON, and Server-Sent Events, both ways")
struct RunEventJSONTests {
    static func roundTrip(_ event: RunEvent) throws -> RunEvent? {
        let (name, data) = RunEventJSON.encode(event)
        return try RunEventJSON.decode(name: name, data: try Value.parseJSON(data.jsonText()))
    }

    @Test("a host result keeps what the console shows: loop position, delegation, diffs, round trips, show_result")
    func hostResult() throws {
        var report = HostTaskReport(host: "web1", taskID: TaskID(play: 1, path: [3, 2]), delegatedTo: "lb", status: .changed,
                                    ignored: true, rescued: false, item: "b", result: .dict(["changed": .bool(true), "rc": .int(0), "ratio": .double(0.5)]))
        report.loop = LoopPosition(index: 2, count: 3)
        report.diffs = [FileDiff(path: "/etc/motd", before: "a\n", after: "b\n", beforeHeader: "/etc/motd (before)")]
        report.showResult = true
        report.module = "copy"
        report.task = "role : write"
        report.roundTrips = 4
        report.duration = .milliseconds(1250)
        guard case .hostResult(let back)? = try Self.roundTrip(.hostResult(report)) else { Issue.record("not a host_result"); return }
        #expect(back.host == "web1" && back.taskID == report.taskID && back.delegatedTo == "lb" && back.status == .changed)
        #expect(back.ignored && !back.rescued && back.item == "b" && back.loop == report.loop)
        #expect(back.result == report.result && back.result.jsonText() == report.result.jsonText())
        #expect(back.diffs == report.diffs && back.showResult && back.module == "copy" && back.task == "role : write")
        #expect(back.roundTrips == 4 && back.duration == .milliseconds(1250) && !back.noLog)
    }

    @Test("a no_log result goes censored, and is read back censored")
    func noLog() throws {
        var report = HostTaskReport(host: "h", status: .ok, item: "secret-item", result: .dict(["changed": .bool(false), "stdout": .string("s3cret")]))
        report.noLog = true
        report.diffs = [FileDiff(path: "/x", before: "s3cret", after: "")]
        let (_, data) = RunEventJSON.encode(.hostResult(report))
        #expect(!data.jsonText().contains("s3cret"))
        guard case .hostResult(let back)? = try Self.roundTrip(.hostResult(report)) else { Issue.record("not a host_result"); return }
        #expect(back.noLog && back.diffs.isEmpty && back.item == HostTaskReport.censoredItem)
        #expect(back.result.jsonText() == report.censored.result.jsonText())
    }

    @Test("the other events, in order; the recap keeps its host order; unknown events are skipped")
    func others() throws {
        let recap = RunRecap(hosts: [("zeta", HostStats(ok: 2, changed: 1)), ("alpha", HostStats(failed: 1, cancelled: 1))], duration: .seconds(3))
        guard case .recap(let back)? = try Self.roundTrip(.recap(recap)) else { Issue.record("not a recap"); return }
        #expect(back.hosts.map(\.name) == ["zeta", "alpha"] && back.hosts[1].stats == HostStats(failed: 1, cancelled: 1))
        guard case .runFinished(let status, let finalRecap, let duration)? = try Self.roundTrip(.runFinished(status: .failed, recap: recap, duration: .seconds(3))) else {
            Issue.record("not run_finished"); return
        }
        #expect(status == .failed && finalRecap?.hosts.count == 2 && duration == .seconds(3))
        guard case .taskStarted(let id, let title, let module, _, let hosts, let handler)? =
                try Self.roundTrip(.taskStarted(id: TaskID(play: 2, path: [1], isHandler: true), title: "restart", module: "service",
                                                location: nil, hosts: 5, handler: true)) else { Issue.record("not task_started"); return }
        #expect(id.description == "p2.h1" && title == "restart" && module == "service" && hosts == 5 && handler)
        guard case .output(let chunk)? = try Self.roundTrip(.output(OutputChunk(taskID: TaskID(play: 1, path: [1]), host: "h", stream: .stderr,
                                                                                 sequence: 7, bytes: Array("héllo\n".utf8)))) else {
            Issue.record("not output"); return
        }
        #expect(chunk.stream == .stderr && chunk.sequence == 7 && chunk.bytes == Array("héllo\n".utf8))
        #expect(try RunEventJSON.decode(name: "approval_requested", data: .dict([:])) == nil)
        #expect(throws: RunEventJSON.DecodingError.self) { try RunEventJSON.decode(name: "host_result", data: .dict(["host": .string("h")])) }
        // 1 a run that failed outside its hosts; ansible-playbook's 2 and 4; 130 cancelled.
        #expect(RunStatus.failed.exitCode(recap: nil) == 1 && RunStatus.failed.exitCode(recap: recap) == 2)
        #expect(RunStatus.succeeded.exitCode(recap: RunRecap(hosts: [("h", HostStats(unreachable: 1))], duration: .zero)) == 4)
        #expect(RunStatus.cancelled.exitCode(recap: recap) == 130)
    }

    @Test("SSE frames cut anywhere, with CRLF, comments, several data lines and ids that carry over")
    func serverSentEvents() {
        let stream = "\u{FEFF}: hello\r\nid: 1\r\nevent: output\r\ndata: {\"text\":\r\ndata: \"é\"}\r\n\r\n"
            + "event: message\ndata: plain\n\nid: r7\nretry: 100\ndata\n\n: only a comment\n\nevent: empty\n\n"
        let expected = [ServerSentEvent(id: "1", name: "output", data: "{\"text\":\n\"é\"}"),
                        ServerSentEvent(id: "1", name: "message", data: "plain"),
                        ServerSentEvent(id: "r7", name: "message", data: "")]
        let bytes = Array(stream.utf8)
        for cut in [1, 2, 3, 5, 7, bytes.count] {
            var parser = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            var start = 0
            while start < bytes.count {
                events += parser.feed(bytes[start..<min(bytes.count, start + cut)])
                start += cut
            }
            #expect(events == expected, "cut every \(cut) bytes")
        }
    }
}
