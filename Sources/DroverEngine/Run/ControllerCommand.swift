import Foundation

/// A command run on the controller (`with_lines`), on a thread of its own:
/// waiting for it never holds one of Swift's cooperative threads, which
/// every host's tasks share (as `HostThreadExecutor` does for SSH).
enum ControllerCommand {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// The command's stdout, through `/bin/sh -c`; fails when it cannot
    /// start or exits non-zero (Ansible's lines lookup does too).
    static func output(_ command: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runBlocking(command) }) }.start()
        }
    }

    private static func runBlocking(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failed(description: "lookup_plugin.lines(\(command)) could not start /bin/sh: \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "lookup_plugin.lines(\(command)) returned \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
