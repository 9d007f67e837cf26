import DroverEngine
import Testing

@Suite("Handler flush decisions")
struct HandlerFlushTests {
    static let hosts = ["a", "b", "c"]
    static let all = Set(hosts)

    /// Drives a flush the way PlayRunner does: active hosts' notifications
    /// pass to the flush before each step; after a step, `effects` says what
    /// the handler that ran notified on its hosts.
    static func drive(_ flush: inout HandlerFlush, notified start: [String: Set<String>], active: Set<String> = all,
                      effects: [Int: Set<String>] = [:]) -> [HandlerFlush.Step] {
        var notified = start
        var steps: [HandlerFlush.Step] = []
        while true {
            for host in hosts where active.contains(host) {
                flush.notify(host, notified[host] ?? [])
                notified[host] = []
            }
            let step = flush.next(hosts: hosts, active: active)
            steps.append(step)
            guard case .run(let index, let targets) = step else { return steps }
            for host in targets { notified[host, default: []].formUnion(effects[index] ?? []) }
            if steps.count > 100 { Issue.record("no end"); return steps }
        }
    }

    @Test("nothing notified: nothing runs")
    func nothing() {
        var flush = HandlerFlush(handlerNames: [["restart"]])
        #expect(Self.drive(&flush, notified: [:]) == [.finished])
        var none = HandlerFlush(handlerNames: [])
        #expect(Self.drive(&none, notified: ["a": ["restart"]]) == [.finished])
    }

    @Test("handlers run in definition order, not notification order, each on the hosts that notified it")
    func definitionOrder() {
        var flush = HandlerFlush(handlerNames: [["first"], ["second"], ["third"]])
        let steps = Self.drive(&flush, notified: ["a": ["third", "first"], "b": ["third"], "c": []])
        #expect(steps == [.run(handler: 0, hosts: ["a"]), .run(handler: 2, hosts: ["a", "b"]), .finished])
    }

    @Test("hosts run in batch order, whatever order they notified in")
    func batchOrder() {
        var flush = HandlerFlush(handlerNames: [["h"]])
        #expect(Self.drive(&flush, notified: ["c": ["h"], "a": ["h"]]) == [.run(handler: 0, hosts: ["a", "c"]), .finished])
    }

    @Test("a handler answers to any of its names: name, listen topic, role : name")
    func names() {
        var flush = HandlerFlush(handlerNames: [["restart web", "web changed", "nginx : restart web"]])
        let steps = Self.drive(&flush, notified: ["a": ["web changed"], "b": ["nginx : restart web"], "c": ["restart web"]])
        #expect(steps == [.run(handler: 0, hosts: ["a", "b", "c"]), .finished])
    }

    @Test("one topic notifies every handler listening to it, each once")
    func listenTopic() {
        var flush = HandlerFlush(handlerNames: [["a1", "topic"], ["a2", "topic"], ["a3"]])
        #expect(Self.drive(&flush, notified: ["b": ["topic"]]) == [.run(handler: 0, hosts: ["b"]), .run(handler: 1, hosts: ["b"]), .finished])
    }

    @Test("a handler notified twice runs once")
    func once() {
        var flush = HandlerFlush(handlerNames: [["restart", "topic"]])
        #expect(Self.drive(&flush, notified: ["a": ["restart", "topic"]]) == [.run(handler: 0, hosts: ["a"]), .finished])
    }

    @Test("failed and unreachable hosts run no handlers")
    func inactiveHosts() {
        var flush = HandlerFlush(handlerNames: [["h"]])
        #expect(Self.drive(&flush, notified: ["a": ["h"], "b": ["h"]], active: ["b"]) == [.run(handler: 0, hosts: ["b"]), .finished])
    }

    @Test("a host that fails during the flush runs no further handlers")
    func hostFailsDuringFlush() {
        var flush = HandlerFlush(handlerNames: [["h0"], ["h1"]])
        flush.notify("a", ["h0", "h1"])
        flush.notify("b", ["h0", "h1"])
        #expect(flush.next(hosts: ["a", "b"], active: ["a", "b"]) == .run(handler: 0, hosts: ["a", "b"]))
        #expect(flush.next(hosts: ["a", "b"], active: ["b"]) == .run(handler: 1, hosts: ["b"]))
        #expect(flush.next(hosts: ["a", "b"], active: ["b"]) == .finished)
    }

    @Test("a handler notifying a later one runs it in the same pass; an earlier one, in a further pass", arguments: [
        ("first", 0, 1, 1), ("second", 1, 0, 2),
    ])
    func chain(start: String, notifier: Int, notified: Int, passes: Int) {
        var flush = HandlerFlush(handlerNames: [["first"], ["second"]])
        let steps = Self.drive(&flush, notified: ["a": [start]], effects: [notifier: [notified == 0 ? "first" : "second"]])
        #expect(steps == [.run(handler: notifier, hosts: ["a"]), .run(handler: notified, hosts: ["a"]), .finished])
        #expect(flush.pass == passes)
    }

    @Test("handlers notifying each other in a circle stop after the pass limit")
    func circle() {
        var flush = HandlerFlush(handlerNames: [["ping"], ["pong"]])
        let steps = Self.drive(&flush, notified: ["a": ["ping"]], effects: [0: ["pong"], 1: ["ping"]])
        #expect(steps.last == .finished)
        #expect(steps.count == 2 * HandlerFlush.maxPasses + 1)
        #expect(flush.pass == HandlerFlush.maxPasses)
    }

    @Test("a notification no handler answers to ends the flush without running anything")
    func unknownName() {
        var flush = HandlerFlush(handlerNames: [["h"]])
        #expect(Self.drive(&flush, notified: ["a": ["nobody"]]) == [.finished])
    }

    @Test("the steps, exhaustively for two handlers and two hosts", arguments: 0..<16)
    func exhaustive(mask: Int) {
        // Bit 0/1: host a notified h0/h1; bit 2/3: host b notified h0/h1.
        var notified: [String: Set<String>] = ["a": [], "b": []]
        if mask & 1 != 0 { notified["a"]!.insert("h0") }
        if mask & 2 != 0 { notified["a"]!.insert("h1") }
        if mask & 4 != 0 { notified["b"]!.insert("h0") }
        if mask & 8 != 0 { notified["b"]!.insert("h1") }
        var expected: [HandlerFlush.Step] = []
        for (index, name) in ["h0", "h1"].enumerated() {
            let targets = ["a", "b"].filter { notified[$0]!.contains(name) }
            if !targets.isEmpty { expected.append(.run(handler: index, hosts: targets)) }
        }
        expected.append(.finished)
        var flush = HandlerFlush(handlerNames: [["h0"], ["h1"]])
        #expect(Self.drive(&flush, notified: notified) == expected)
    }
}
