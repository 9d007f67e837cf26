import DroverCore
import Foundation
import Testing

@Suite("Task ids")
struct TaskIDTests {
    @Test("the compact text reads back to the same id", arguments: [
        TaskID(play: 1, path: [3, 2]), TaskID(play: 2, path: [1], isHandler: true), TaskID(play: 1, path: [0]),
        TaskID(play: 12, path: [4, 0, 10, 1]), TaskID.unplaced,
    ])
    func roundTrip(_ id: TaskID) throws {
        #expect(TaskID(id.description) == id)
        let json = try JSONEncoder().encode(id)
        #expect(String(decoding: json, as: UTF8.self) == "\"\(id.description)\"")
        #expect(try JSONDecoder().decode(TaskID.self, from: json) == id)
    }

    @Test("the text names play, section and path")
    func text() {
        #expect(TaskID(play: 1, path: [3, 2]).description == "p1.t3.2")
        #expect(TaskID(play: 1, path: [2], isHandler: true).description == "p1.h2")
        #expect(TaskID.gatheringFacts(play: 2).description == "p2.t0")
        #expect(TaskID(play: 1, path: [3]).collectingLogs.description == "p1.t3.0")
        #expect(TaskID.unplaced.description == "p0")
    }

    @Test("anything else is not a task id", arguments: ["", "p", "1.t2", "px.t1", "p1.x2", "p1.t", "p1.t2.", "p1.t2.a", "p-1.t1", "p1.t-2"])
    func rejects(_ text: String) throws {
        #expect(TaskID(text) == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TaskID.self, from: Data("\"\(text)\"".utf8)) }
    }
}
