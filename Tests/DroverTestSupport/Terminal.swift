import Foundation

/// Runs a program with stdout and stderr on a pseudo-terminal, as when a
/// user types the command, and returns what the terminal showed (its
/// `\r\n` line ends turned back into `\n`).
public func runInTerminal(_ executable: String, _ arguments: [String],
                          environment: [String: String]? = nil) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try runInTerminalBlocking(executable, arguments, environment: environment) })
        }.start()
    }
}

/// The pseudo-terminal calls of libc. Swift's Glibc module leaves them
/// out (they sit behind _XOPEN_SOURCE), so they are looked up by name.
private enum PseudoTerminal {
    typealias OpenPT = @convention(c) (Int32) -> Int32
    typealias Grant = @convention(c) (Int32) -> Int32
    typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    static func function<F>(_ name: String, as type: F.Type) throws -> F {
        guard let symbol = dlsym(nil, name) else { throw POSIXError(.ENOSYS) }
        return unsafeBitCast(symbol, to: type)
    }

    /// A new terminal: the controller's end (master) and the path of the program's end.
    static func open() throws -> (master: Int32, path: String) {
        let master = try function("posix_openpt", as: OpenPT.self)(O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard try function("grantpt", as: Grant.self)(master) == 0, try function("unlockpt", as: Grant.self)(master) == 0,
              let name = try function("ptsname", as: Name.self)(master) else {
            close(master)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return (master, String(cString: name))
    }
}

private func runInTerminalBlocking(_ executable: String, _ arguments: [String], environment: [String: String]?) throws -> ProcessResult {
    let (master, name) = try PseudoTerminal.open()
    defer { close(master) }
    let slave = open(name, O_RDWR | O_NOCTTY)
    guard slave >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    process.standardOutput = terminal
    process.standardError = terminal
    do {
        try process.run()
    } catch {
        close(slave)
        throw error
    }
    // Only the child holds the terminal now: reading ends (EIO) when it exits.
    close(slave)
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(master, &buffer, buffer.count)
        if count > 0 {
            output += buffer[0..<count]
        } else if count < 0 && errno == EINTR {
            continue
        } else {
            break
        }
    }
    process.waitUntilExit()
    let text = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    return ProcessResult(status: process.terminationStatus, output: text)
}
