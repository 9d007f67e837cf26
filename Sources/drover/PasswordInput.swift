import DroverCore
import Foundation
import Glibc

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
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
