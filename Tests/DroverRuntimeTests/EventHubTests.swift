import DroverRuntime
import Testing

@Suite("Event fan-out (bounded, never blocking the run)")
struct EventHubTests {
    @Test("every subscriber gets every event in order, then the end")
    func orderAndEnd() async {
        let hub = EventHub<Int>()
        let a = hub.subscribe(), b = hub.subscribe()
        for value in 1...100 { hub.publish(value) }
        hub.finish()
        var seenA: [Int] = [], seenB: [Int] = []
        for await event in a { seenA.append(event.event) }
        for await event in b { seenB.append(event.sequence) }
        #expect(seenA == Array(1...100))
        #expect(seenB == Array(1...100))
    }

    @Test("a subscriber that reads nothing never blocks publishing; it keeps the newest and sees the gap")
    func slowSubscriberDrops() async {
        let hub = EventHub<Int>()
        let slow = hub.subscribe(buffer: 10)
        let clock = ContinuousClock()
        let elapsed = clock.measure { for value in 1...50_000 { hub.publish(value) } }
        hub.finish()
        var sequences: [Int] = []
        for await event in slow { sequences.append(event.sequence) }
        #expect(sequences == Array(49_991...50_000))
        #expect(elapsed < .seconds(5))
    }

    @Test("a late subscriber resumes after the last sequence it saw (Last-Event-ID)")
    func resume() async {
        let hub = EventHub<String>(historyLimit: 5)
        for word in ["a", "b", "c", "d", "e", "f", "g"] { hub.publish(word) }
        let resumed = hub.subscribe(after: 4)
        let fromStart = hub.subscribe()
        hub.publish("h")
        hub.finish()
        var words: [String] = []
        for await event in resumed { words.append(event.event) }
        #expect(words == ["e", "f", "g", "h"])
        var first: Int?
        for await event in fromStart { first = first ?? event.sequence }
        #expect(first == 3)
        var after: [Int] = []
        for await event in hub.subscribe() { after.append(event.sequence) }
        #expect(after == [4, 5, 6, 7, 8])
    }
}
