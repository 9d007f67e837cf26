import ArgumentParser
import DroverStore
import Foundation

extension ExportFormat: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a recorded run as JSON, or as JUnit XML for CI servers.",
        discussion: """
            json: one object with the run, its recap and every result (stdout/stderr as text, or *_base64 when \
            not UTF-8). junit: one testsuite per host, one testcase per task result named by the task's title \
            (classname: the host); failed results carry <failure>, unreachable ones <error>, skipped ones <skipped/>.
            """
    )

    @Argument(help: "The run's id (from `drover runs`).")
    var runID: Int64

    @Option(help: "json or junit.")
    var format: ExportFormat

    @Option(name: [.short, .long], help: "Write to this file instead of stdout.")
    var output: String?

    func run() throws {
        let store = try StoreOptions.open()
        var handle = FileHandle.standardOutput
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                throw CommandFailure("cannot write \(output): check that its directory exists and is writable")
            }
            handle = file
        }
        defer { if output != nil { try? handle.close() } }
        var buffer = Data()
        try store.export(runID, format: format) { text in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 {
                handle.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(buffer)
    }
}
