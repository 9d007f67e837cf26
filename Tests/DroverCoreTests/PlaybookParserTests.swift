import DroverCore
import Foundation
import Testing

@Suite("Playbook parsing")
struct PlaybookParserTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("playbooks/examples").path

    /// Writes `text` as play.yml in a fresh directory, with `files` (relative
    /// paths) beside it, and parses it.
    static func parse(_ text: String, extra: Set<String> = [], files: [String: String] = [:]) throws -> Playbook {
        let dir = "/tmp/drover-parse-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try text.write(toFile: "\(dir)/play.yml", atomically: true, encoding: .utf8)
        for (path, content) in files {
            try FileManager.default.createDirectory(atPath: "\(dir)/\((path as NSString).deletingLastPathComponent)", withIntermediateDirectories: true)
            try content.write(toFile: "\(dir)/\(path)", atomically: true, encoding: .utf8)
        }
        return try PlaybookParser(extraVariableNames: extra).parse(file: "\(dir)/play.yml")
    }

    @Test("the example playbooks parse with imports, blocks and roles")
    func examples() throws {
        let site = try PlaybookParser().parse(file: "\(Self.examples)/site.yml")
        #expect(site.plays.count == 2)
        #expect(site.plays[0].keywords["serial"] == .int(2))
        #expect(site.plays[0].handlers.count == 1)
        #expect(site.plays[1].roles.map(\.name) == ["webapp"])
        #expect(site.plays[1].roles[0].parameters["app_name"] == .string("shop"))
        #expect(site.plays[1].roles[0].role.defaults["app_port"] == .int(9000))
        #expect(site.plays[1].roles[0].role.dependencies.map(\.name) == ["common"])
        #expect(site.plays[1].outline().map(\.title) == [
            "common : Create the base directory", "webapp : Render the application config", "webapp : Mark the config owner", "Done",
        ])
        guard case .task(let first) = site.plays[0].tasks[0] else { Issue.record("expected a task"); return }
        #expect(first.module == "command")
        #expect(first.moduleAsWritten == "ansible.builtin.command")
        #expect(first.arguments["_raw_params"] == .string("uname -r"))
        #expect(first.keywords["register"] == .string("kernel"))
    }

    @Test("k=v strings, free-form commands and args: all become arguments")
    func argumentForms() throws {
        let book = try Self.parse("""
            - hosts: all
              tasks:
                - copy: src=a.txt dest="/tmp/b c.txt" mode=0644
                - command: ls -l {{ dir }} chdir=/tmp
                - shell: echo "a=b" | tr = -
                  args:
                    executable: /bin/bash
                - action: file path=/tmp/x state=touch
                - local_action:
                    module: debug
                    msg: hi
            """)
        let tasks = book.plays[0].tasks.compactMap { node -> Task? in if case .task(let t) = node { return t } else { return nil } }
        #expect(tasks[0].arguments["dest"] == .string("/tmp/b c.txt"))
        #expect(tasks[0].arguments["mode"] == .string("0644"))
        #expect(tasks[1].arguments["_raw_params"] == .string("ls -l {{ dir }}"))
        #expect(tasks[1].arguments["chdir"] == .string("/tmp"))
        #expect(tasks[2].arguments["_raw_params"] == .string("echo \"a=b\" | tr = -"))
        #expect(tasks[2].arguments["executable"] == .string("/bin/bash"))
        #expect(tasks[3].module == "file")
        #expect(tasks[4].module == "debug")
        #expect(tasks[4].keywords["delegate_to"] == .string("localhost"))
    }

    @Test("a multi-line free-form script keeps its lines and spacing")
    func multiLineFreeForm() throws {
        let book = try Self.parse("""
            - hosts: all
              tasks:
                - shell: |
                    if [ -f x ]; then
                      echo  yes
                    fi
                    creates=/tmp/y
            """)
        guard case .task(let task) = book.plays[0].tasks[0] else { Issue.record("not a task"); return }
        #expect(task.arguments["_raw_params"] == .string("if [ -f x ]; then\n  echo  yes\nfi"))
        #expect(task.arguments["creates"] == .string("/tmp/y"))
    }

    @Test("mistakes are reported at file:line:column with a fix", arguments: [
        ("- hosts: all\n  taks:\n    - ping:\n", "2:3", "`taks` is not a play keyword; did you mean `tasks`?"),
        ("- hosts: all\n  tasks:\n    - name: x\n      cpoy: src=a dest=b\n", "4:7", "unknown module `cpoy`; did you mean `copy`?"),
        ("- hosts: all\n  tasks:\n    - copy:\n        src: a\n        dset: b\n", "5:9", "copy has no argument `dset`; did you mean `dest`?"),
        ("- hosts: all\n  tasks:\n    - copy:\n        src: a\n", "3:7", "copy needs `dest`"),
        ("- hosts: all\n  tasks:\n    - file:\n        path: /x\n        state: dir\n", "5:9", "must be one of absent, directory"),
        ("- hosts: all\n  tasks:\n    - copy:\n        dest: /x\n        backup: maybe\n", "5:9", "must be a boolean"),
        ("- hosts: all\n  tasks:\n    - ping:\n      whne: x\n", "4:7", "did you mean `when`?"),
        ("- hosts: all\n  tasks:\n    - ping:\n      debug: msg=x\n", "4:7", "names two modules"),
        ("- hosts: all\n  tasks:\n    - name: nothing\n", "3:7", "has no module"),
        ("- name: no hosts\n  tasks: []\n", "1:3", "has no `hosts:`"),
        ("- hosts: all\n  tasks:\n    - command:\n", "3:7", "command needs a command"),
        ("- hosts: all\n  tasks:\n    - debug:\n        msg: a\n        var: b\n", "3:7", "takes only one of `msg`, `var`"),
        ("- hosts: all\n  tasks:\n    - ping:\n      loop_control:\n        loop_vra: x\n", "5:9", "did you mean `loop_var`?"),
        ("- hosts: all\n  tasks:\n    - ping:\n      with_itmes: [1]\n", "4:7", "did you mean `items`?"),
        ("- hosts: all\n  tasks:\n    - meta: flush_handler\n", "3:13", "did you mean `flush_handlers`?"),
        ("- hosts: all\n  vars_prompt:\n    - name: pw\n", "3:7", "pass it with -e pw=VALUE"),
        ("- hosts: all\n  tasks:\n    - import_tasks: missing.yml\n", "3:7", "cannot read"),
        ("- hosts: all\n  roles:\n    - nosuchrole\n", "3:7", "role `nosuchrole` was not found"),
        ("- hosts: all\n  tasks:\n  - ping:\n  - ping: {a: 1, a: 2}\n", "4:12", "duplicate key"),
        ("- hosts: all\n  tasks: [\n", "3:1", "YAML syntax error"),
        ("- hosts: all\n  strategy: fast\n", "2:13", "strategy `fast` is not supported"),
    ])
    func errors(text: String, position: String, phrase: String) throws {
        let error = #expect(throws: InputError.self) { try Self.parse(text) }
        #expect(error?.location.map { "\($0.line):\($0.column)" } == position, "\(error?.description ?? "")")
        #expect(error?.message.contains(phrase) == true, "\(error?.message ?? "")")
    }

    @Test("vars_prompt is answered by -e")
    func promptAnswered() throws {
        #expect(try Self.parse("- hosts: all\n  vars_prompt:\n    - name: pw\n", extra: ["pw"]).plays.count == 1)
    }

    @Test("thousands of mutated playbooks give errors or parse, never crash")
    func fuzz() throws {
        let seeds = try ["site.yml", "upgrade-web.yml", "tasks/cleanup.yml", "roles/webapp/tasks/main.yml"].map {
            try String(contentsOfFile: "\(Self.examples)/\($0)", encoding: .utf8)
        }
        let dir = "/tmp/drover-fuzz-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: "\(dir)/tasks", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try seeds[2].write(toFile: "\(dir)/tasks/cleanup.yml", atomically: true, encoding: .utf8)
        var generator = SeededGenerator(seed: 0xD20E5)
        let alphabet = Array(" \n\t:-{}[]'\"#&*!|>%@`,?=~x0.")
        var outcomes = (parsed: 0, rejected: 0)
        for round in 0..<3000 {
            var text = Array(seeds[round % 2 == 0 ? 1 : 0])
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !text.isEmpty {
                let i = Int.random(in: 0..<text.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: text.remove(at: i)
                case 1: text.insert(alphabet.randomElement(using: &generator)!, at: i)
                case 2: text[i] = alphabet.randomElement(using: &generator)!
                default:
                    let j = min(text.count, i + Int.random(in: 1...40, using: &generator))
                    text.insert(contentsOf: text[i..<j], at: i)
                }
            }
            try String(text).write(toFile: "\(dir)/play.yml", atomically: false, encoding: .utf8)
            do {
                _ = try PlaybookParser().parse(file: "\(dir)/play.yml")
                outcomes.parsed += 1
            } catch is InputError {
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.parsed + outcomes.rejected == 3000)
        #expect(outcomes.rejected > 300, "mutations should mostly break things: \(outcomes)")
    }
}
