import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// A value inside a registered result: `r.transferValue("stat", "size")`.
extension Value {
    func transferValue(_ keys: String...) -> Value? {
        var current: Value? = self
        for key in keys {
            guard case .dict(let d)? = current else { return nil }
            current = d[key]
        }
        return current
    }

    var transferList: [Value] {
        if case .list(let items) = self { return items }
        return []
    }

    var transferInt: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int(d)
        default: return nil
        }
    }
}

extension CollectingObserver {
    /// The registered results of one host's tasks, in order.
    func transferResults(_ host: String) -> [Value] { reports.filter { $0.host == host }.map(\.result) }
    func transferStatuses(_ host: String) -> [TaskStatus] { reports.filter { $0.host == host }.map(\.status) }
}

/// A Python helper started for a test on 127.0.0.1 (never any other
/// address): it prints the port it bound (chosen by the kernel) and runs
/// until killed with SIGKILL.
final class TransferServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    /// `python3 -m http.server`'s handler over `directory`.
    static func http(directory: String) throws -> TransferServer {
        try TransferServer(script: """
            import functools, http.server, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            handler.log_message = lambda *a, **k: None
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """, arguments: [directory])
    }

    /// Sends `banner` to every connection, then closes it.
    static func banner(_ banner: String) throws -> TransferServer {
        try TransferServer(script: """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 0))
            s.listen(16)
            print(s.getsockname()[1], flush=True)
            while True:
                c, _ = s.accept()
                c.sendall(sys.argv[1].encode())
                c.close()
            """, arguments: [banner])
    }

    private init(script: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = [UInt8]()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == 10 { break }
            line.append(byte.first!)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadUnknown)
        }
        self.port = port
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Runs a local command (tar, zip) to build fixtures; fails the test on error.
func runLocal(_ arguments: [String], in directory: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(arguments.joined(separator: " ")) failed")
}

func sha1(ofFile path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha1sum")
    process.arguments = [path]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(40))
}
