import DroverCore
import Foundation
import Glibc

/// The terminal's settings while echo is off, for the SIGINT handler (a C
/// function pointer: it can reach only globals). Written before the
/// handler is installed, read only by it.
nonisolated(unsafe) private var savedTerminal = termios()

/// Reads a new password: from standard input with `--password-stdin`
/// (for scripts), else asked twice on the terminal with echo off. Reading
/// blocks, so it happens on a thread of its own, never on the
/// cooperative pool. The password is never echoed or printed.
enum PasswordInput {
    static func read(fromStdin: Bool, for user: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { fromStdin ? try readStdin() : try askTwice(for: user) })
            }.start()
        }
    }

    /// All of stdin, less one trailing newline (`echo pw |` adds one).
    private static func readStdin() throws -> String {
        var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }  // "\r\n" is one Character
        return text
    }

    private static func askTwice(for user: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            throw InputError(.noTerminal, "no terminal to ask the password on: pipe it in with --password-stdin")
        }
        let first = try ask("New password for \(user): ")
        let second = try ask("Repeat the password: ")
        guard first == second else {
            throw InputError(.passwordMismatch, "the two passwords differ: run the command again")
        }
        return first
    }

    private static func ask(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        tcgetattr(STDIN_FILENO, &savedTerminal)
        var silent = savedTerminal
        silent.c_lflag &= ~tcflag_t(ECHO)
        // Ctrl-C while echo is off would leave the shell typing blind.
        signal(SIGINT) { _ in
            tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
            _ = write(STDERR_FILENO, "\n", 1)  // async-signal-safe, unlike FileHandle
            _exit(130)
        }
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTerminal)
            signal(SIGINT, SIG_DFL)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }

}
