import CLibSSH
import Crypto
import Foundation

extension SSHConnection {
    static let sftpChunk = 64 * 1024

    /// Streams a local file to `remotePath`: written to a temporary name in the
    /// same directory, checked with sha256sum on the host, given `mode`, then
    /// renamed over the destination. Memory stays flat whatever the size.
    public func upload(from localPath: String, to remotePath: String, mode: UInt32 = 0o644) throws -> TransferResult {
        let sftp = try sftpSession()
        let input = open(localPath, O_RDONLY)
        guard input >= 0 else {
            throw SSHError(.localFile, host: target.name, "cannot read \(localPath): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(input) }
        let temporary = temporaryName(for: remotePath)
        guard let file = sftp_open(sftp, temporary, O_WRONLY | O_CREAT | O_EXCL, mode_t(0o600)) else {
            throw sftpError(sftp, "cannot create \(temporary)")
        }
        var hasher = SHA256()
        var total = 0
        do {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.sftpChunk, alignment: 8)
            defer { buffer.deallocate() }
            while true {
                try Task.checkCancellation()
                let count = read(input, buffer.baseAddress, Self.sftpChunk)
                guard count >= 0 else {
                    throw SSHError(.localFile, host: target.name, "reading \(localPath) failed: \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                hasher.update(bufferPointer: chunk)
                var offset = 0
                while offset < count {
                    let sent = sftp_write(file, chunk.baseAddress! + offset, count - offset)
                    guard sent > 0 else { throw sftpError(sftp, "writing \(temporary) failed") }
                    offset += sent
                }
                total += count
            }
            guard sftp_close(file) == SSH_OK else { throw sftpError(sftp, "closing \(temporary) failed") }
            guard sftp_chmod(sftp, temporary, mode_t(mode)) == SSH_OK else {
                throw sftpError(sftp, "cannot set mode \(String(mode, radix: 8)) on \(temporary)")
            }
            let digest = hex(hasher.finalize())
            try verifyAndRename(temporary, to: remotePath, expected: digest, what: "upload of \(localPath)")
            return TransferResult(bytes: total, sha256: digest)
        } catch {
            sftp_unlink(sftp, temporary)
            throw error
        }
    }

    /// Streams `remotePath` to a local file: written beside it under a
    /// temporary name, checked against sha256sum on the host, given `mode`
    /// (the remote file's when nil), then renamed into place.
    public func download(from remotePath: String, to localPath: String, mode: UInt32? = nil) throws -> TransferResult {
        let sftp = try sftpSession()
        guard let attributes = sftp_stat(sftp, remotePath) else {
            throw sftpError(sftp, "cannot stat \(remotePath)")
        }
        let remoteMode = attributes.pointee.permissions & 0o7777
        sftp_attributes_free(attributes)
        guard let file = sftp_open(sftp, remotePath, O_RDONLY, 0) else {
            throw sftpError(sftp, "cannot open \(remotePath)")
        }
        defer { sftp_close(file) }
        let temporary = temporaryName(for: localPath)
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard output >= 0 else {
            throw SSHError(.localFile, host: target.name, "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var closed = false
        defer { if !closed { Glibc.close(output) } }
        var hasher = SHA256()
        var total = 0
        do {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.sftpChunk, alignment: 8)
            defer { buffer.deallocate() }
            while true {
                try Task.checkCancellation()
                let count = sftp_read(file, buffer.baseAddress, Self.sftpChunk)
                guard count >= 0 else { throw sftpError(sftp, "reading \(remotePath) failed") }
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                hasher.update(bufferPointer: chunk)
                try writeAll(output, chunk, to: temporary)
                total += count
            }
            closed = true
            guard Glibc.close(output) == 0 else {
                throw SSHError(.localFile, host: target.name, "writing \(temporary) failed: \(String(cString: strerror(errno)))")
            }
            let digest = hex(hasher.finalize())
            try verifyRemoteDigest(remotePath, expected: digest, what: "download of \(remotePath)")
            chmod(temporary, mode_t(mode ?? remoteMode))
            guard rename(temporary, localPath) == 0 else {
                throw SSHError(.localFile, host: target.name, "cannot rename \(temporary) to \(localPath): \(String(cString: strerror(errno)))")
            }
            return TransferResult(bytes: total, sha256: digest)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func sftpSession() throws -> sftp_session {
        if let sftp = box.sftp { return sftp }
        let session = try liveSession()
        guard let sftp = sftp_new(session) else {
            throw SSHError(.sftpFailed, host: target.name, "cannot open an SFTP channel: \(libsshError(session))")
        }
        guard sftp_init(sftp) == SSH_OK else {
            sftp_free(sftp)
            throw SSHError(.sftpFailed, host: target.name,
                "the SFTP subsystem did not start: is `Subsystem sftp` set in the host's sshd_config? (\(libsshError(session)))")
        }
        box.sftp = sftp
        return sftp
    }

    /// Hashes `path` on the host and, only if it matches, renames it over
    /// `destination` (rename(2) replaces atomically; SFTP's rename would not).
    /// One round trip.
    private func verifyAndRename(_ path: String, to destination: String, expected: String, what: String) throws {
        let result = try exec(digestCommand(path) + "; [ \"$h\" = \(expected) ] && mv -f -- \(shellQuote(path)) \(shellQuote(destination))")
        try checkDigest(result, expected: expected, what: what)
        guard result.exitStatus == 0 else {
            throw SSHError(.sftpFailed, host: target.name,
                "cannot rename \(path) to \(destination): \(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    private func verifyRemoteDigest(_ path: String, expected: String, what: String) throws {
        try checkDigest(try exec(digestCommand(path)), expected: expected, what: what)
    }

    /// Prints the file's SHA-256 as the first output line and leaves it in $h.
    private func digestCommand(_ path: String) -> String {
        let quoted = shellQuote(path)
        return "h=$( (sha256sum -- \(quoted) 2>/dev/null || shasum -a 256 -- \(quoted)) | cut -c1-64); echo \"$h\""
    }

    private func checkDigest(_ result: ExecResult, expected: String, what: String) throws {
        let remote = result.stdoutText.prefix { !$0.isWhitespace }
        guard remote.count == 64 else {
            throw SSHError(.checksumMismatch, host: target.name,
                "cannot verify the \(what): neither sha256sum nor shasum worked on the host (\(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        guard remote == expected else {
            throw SSHError(.checksumMismatch, host: target.name,
                "the \(what) arrived corrupted (SHA-256 \(remote) on the host, \(expected) here); nothing was replaced, try again")
        }
    }

    private func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, to path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            guard written > 0 else {
                throw SSHError(.localFile, host: target.name, "writing \(path) failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private func temporaryName(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).drover-\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    private func sftpError(_ sftp: sftp_session, _ what: String) -> SSHError {
        let code = sftp_get_error(sftp)
        let reason: String
        switch code {
        case Int32(SSH_FX_NO_SUCH_FILE): reason = "no such file or directory"
        case Int32(SSH_FX_PERMISSION_DENIED): reason = "permission denied"
        case Int32(SSH_FX_FILE_ALREADY_EXISTS): reason = "file already exists"
        default: reason = box.session.map { libsshError($0) } ?? "session closed"
        }
        return SSHError(.sftpFailed, host: target.name, "\(what): \(reason)")
    }
}

func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    digest.map { String(format: "%02x", $0) }.joined()
}
