import Foundation

/// Why `drover remote` cannot talk to the server before sending anything:
/// its token file or CA file. Worded for the user, with the fix.
public struct ClientSetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `--token-file`: a file holding one API token, readable by its owner only.
public enum TokenFile {
    public static func read(_ path: String) throws(ClientSetupError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT {
                throw ClientSetupError("--token-file \(path): no such file. Save the token `drover tokens create` printed in it: "
                    + "`(umask 077; drover tokens create --user NAME --scope launch > \(path))` on the server's machine")
            }
            throw ClientSetupError("--token-file \(path) cannot be read (\(String(cString: strerror(errno))))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ClientSetupError("--token-file \(path) is not a regular file: give the file that holds the token")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ClientSetupError("--token-file \(path) is open to group or others (mode \(String(mode, radix: 8))), so they can act "
                + "as you on the server: run `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientSetupError("--token-file \(path) cannot be read (\(String(cString: strerror(errno)))): is it yours?")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw ClientSetupError("--token-file \(path) is empty: save the token `drover tokens create` printed in it")
        }
        guard !token.contains(where: { $0.isWhitespace || $0.isNewline }), token.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x21 }) else {
            throw ClientSetupError("--token-file \(path) holds more than one token (one line such as `drv_…`, nothing else)")
        }
        return token
    }
}
