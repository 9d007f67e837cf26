import DroverCore
import Foundation
import Testing

/// Every task of a parsed playbook gets a stable, unique id from its position.
@Suite("Task ids of a parsed playbook")
struct PlaybookTaskIDTests {
    /// Writes `files` in a fresh directory and parses `play.yml`.
    static func parse(_ files: [String: String]) throws -> (Playbook, String) {
        let dir = "/tmp/drover-taskid-\(UInt32.random(in: 0...UInt32.max))"
        for (name, text) in files {
            let path = "\(dir)/\(name)"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return (try PlaybookParser().parse(file: "\(dir)/play.yml"), dir)
    }

    /// Every task (with includes) of the nodes, depth first.
    static func tasks(_ nodes: [TaskNode]) -> [Task] {
        nodes.flatMap { node -> [Task] in
            switch node {
            case .task(let task), .include(let task): return [task]
            case .block(let block): return tasks(block.tasks) + tasks(block.rescue) + tasks(block.always)
            }
        }
    }

    static func roleTasks(_ references: [RoleReference], handlers: Bool) -> [Task] {
        references.flatMap { roleTasks($0.role.dependencies, handlers: handlers) + tasks(handlers ? $0.role.handlers : $0.role.tasks) }
    }

    static func allTasks(_ play: Play) -> [Task] {
        tasks(play.preTasks) + roleTasks(play.roles, handlers: false) + tasks(play.tasks) + tasks(play.postTasks)
            + tasks(play.handlers) + roleTasks(play.roles, handlers: true)
    }

    static let files = [
        "play.yml": """
            - hosts: all
              pre_tasks:
                - shell: echo pre
              roles:
                - web
                - web
              tasks:
                - shell: echo one
                - shell: echo two
                - block:
                    - command: "true"
                  rescue:
                    - debug: { msg: rescued }
                  always:
                    - debug: { msg: always }
                - import_tasks: more.yml
                - include_tasks: more.yml
              handlers:
                - name: restart
                  command: "true"
            - import_playbook: second.yml
            """,
        "more.yml": """
            - shell: echo more
            - shell: echo more
            """,
        "second.yml": """
            - hosts: all
              tasks:
                - shell: echo one
            """,
        "roles/web/tasks/main.yml": "- shell: echo web\n",
        "roles/web/handlers/main.yml": "- name: reload web\n  command: \"true\"\n",
        "roles/web/meta/main.yml": "dependencies: [base]\n",
        "roles/base/tasks/main.yml": "- shell: echo base\n",
    ]

    @Test("ids follow the position: sections, roles, blocks, imports, handlers, plays")
    func positions() throws {
        let (playbook, dir) = try Self.parse(Self.files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(playbook.plays.map(\.index) == [1, 2])
        let first = playbook.plays[0]
        #expect(Self.allTasks(first).map(\.id.description) == [
            "p1.t1",  // pre_tasks
            "p1.t2.1.1", "p1.t2.2",  // role web: its dependency base, then its task
            "p1.t3.1.1", "p1.t3.2",  // the same role again: ids of its own
            "p1.t4", "p1.t5",  // two unnamed shell tasks
            "p1.t6.1", "p1.t6.2", "p1.t6.3",  // block, rescue, always
            "p1.t7.1", "p1.t7.2",  // import_tasks
            "p1.t8",  // include_tasks (its tasks are read at run time)
            "p1.h1",  // the play's handler
            "p1.h2.2", "p1.h3.2",  // each web role's handler, after its dependency's (none)
        ])
        #expect(Self.allTasks(playbook.plays[1]).map(\.id.description) == ["p2.t1"])
    }

    @Test("two unnamed shell tasks have the same title and different ids; no id repeats in a playbook")
    func unique() throws {
        let (playbook, dir) = try Self.parse(Self.files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tasks = playbook.plays.flatMap(Self.allTasks)
        let shells = tasks.filter { $0.module == "shell" }
        #expect(Set(shells.map(\.displayName)) == ["shell"])
        #expect(Set(tasks.map(\.id)).count == tasks.count)
        #expect(!tasks.contains { $0.id == .unplaced })
    }

    @Test("tasks an include reads at run time are the include's children")
    func included() throws {
        let (playbook, dir) = try Self.parse(Self.files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard case .include(let include) = playbook.plays[0].tasks[4] else {
            Issue.record("expected the include_tasks entry")
            return
        }
        let nodes = try PlaybookParser().parseTaskFile("\(dir)/more.yml", placedUnder: include.id)
        #expect(Self.tasks(nodes).map(\.id.description) == ["p1.t8.1", "p1.t8.2"])
        let role = try PlaybookParser().loadRole(named: "web", from: "\(dir)/play.yml", tasksFrom: nil, placedUnder: include.id)
        #expect(Self.tasks(role.tasks).map(\.id.description) == ["p1.t8.1"])
    }
}
