import DroverEngine
import Testing

@Suite("serial: batches")
struct SerialPlanTests {
    static func hosts(_ n: Int) -> [String] { (1...max(n, 1)).prefix(n).map { "h\($0)" } }

    @Test("Ansible's documented examples", arguments: [
        (10, ["3"], [3, 3, 3, 1]),
        (10, ["30%"], [3, 3, 3, 1]),
        (30, ["1", "5", "10"], [1, 5, 10, 10, 4]),
        (20, ["10%", "20%", "100%"], [2, 4, 14]),
        (20, ["1%"], Array(repeating: 1, count: 20)),
        (5, ["0"], [5]),
        (5, ["100"], [5]),
        (5, [], [5]),
        (0, ["2"], []),
        (7, ["50%"], [3, 3, 1]),
        (3, ["1", "50%"], [1, 1, 1]),
    ])
    func examples(count: Int, steps: [String], sizes: [Int]) throws {
        let plan = SerialPlan.batches(Self.hosts(count), steps: steps.map { SerialStep($0)! })
        #expect(plan.map(\.count) == sizes)
    }

    @Test("every host lands in exactly one batch, in order, for every size and step")
    func exhaustive() {
        for n in 0...40 {
            let hosts = Self.hosts(n)
            let steps = (0...45).map(SerialStep.count) + (0...150).map { SerialStep.percent(Double($0)) }
            for step in steps {
                let plan = SerialPlan.batches(hosts, steps: [step])
                #expect(plan.flatMap { $0 } == hosts)
                #expect(plan.allSatisfy { !$0.isEmpty })
                // All batches but the last have the same size.
                #expect(Set(plan.dropLast().map(\.count)).count <= 1)
                if let last = plan.last, let first = plan.first { #expect(last.count <= first.count) }
            }
        }
    }

    @Test("serial values parse like Ansible's", arguments: [
        ("5", SerialStep.count(5)), (" 30% ", .percent(30)), ("0", .count(0)),
    ])
    func parsing(text: String, step: SerialStep) {
        #expect(SerialStep(text) == step)
    }

    @Test("bad serial values are rejected", arguments: ["-1", "abc", "%", "-5%", "1.5", "2.5%"])
    func rejected(text: String) {
        #expect(SerialStep(text) == nil)
    }
}
