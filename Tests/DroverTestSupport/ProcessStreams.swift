import Foundation

/// A program's exit status with stdout and stderr kept apart, as bytes.
public struct SeparateStreams: Sendable {
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// The drover binary the tests run: the test bundle and the executable are
/// built into the same folder.
public var droverExecutable: String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("drover").path
}

/// Runs a program with stdout and stderr on separate pipes (on a thread of
/// its own, like `run`), for tests that check which stream got what.
public func runSeparately(_ executable: String, _ arguments: [String],
                          environment: [String: String]? = nil) async throws -> SeparateStreams {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                if let environment { process.environment = environment }
                let out = Pipe(), err = Pipe()
                process.standardOutput = out
                process.standardError = err
                try process.run()
                // stderr is drained on a thread of its own, so neither pipe can fill up and block the child.
                let errBytes = ErrorBytes()
                let drained = DispatchSemaphore(value: 0)
                Thread {
                    errBytes.data = err.fileHandleForReading.readDataToEndOfFile()
                    drained.signal()
                }.start()
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                drained.wait()
                return SeparateStreams(status: process.terminationStatus, stdout: Array(outData), stderr: Array(errBytes.data))
            })
        }.start()
    }
}

/// The stderr bytes the reader thread fills in. Unchecked: the semaphore
/// orders its one write before the one read.
private final class ErrorBytes: @unchecked Sendable {
    var data = Data()
}
