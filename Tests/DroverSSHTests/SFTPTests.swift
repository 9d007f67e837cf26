import Crypto
import DroverSSH
import DroverTestSupport
import Foundation
import Testing

@Suite("SFTP transfers")
struct SFTPTests {
    /// Writes `size` pseudo-random bytes to `path` in 1 MiB pieces and returns their SHA-256.
    static func makeFile(_ path: String, size: Int) throws -> String {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        var generator = SystemRandomNumberGenerator()
        var remaining = size
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while remaining > 0 {
            let count = min(remaining, block.count)
            block.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for i in words.indices { words[i] = generator.next() }
            }
            let piece = Data(block[0..<count])
            hasher.update(data: piece)
            try handle.write(contentsOf: piece)
            remaining -= count
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    @Test("a 200 MiB round trip keeps its SHA-256 and memory stays flat")
    func bigRoundTrip() async throws {
        let dir = try scratchDirectory("sftp")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let size = 200 * 1024 * 1024
        let expected = try Self.makeFile("\(dir)/big.bin", size: size)
        let ssh = try await TestHosts.connect(14)
        let remote = "\(TestHosts.directory)/hosts/h14/work/big-\(UInt32.random(in: 0...UInt32.max)).bin"

        let baseline = residentBytes()
        let peak = PeakSampler()
        let sampler = Task { await peak.run() }
        let up = try await ssh.upload(from: "\(dir)/big.bin", to: remote, mode: 0o640)
        let down = try await ssh.download(from: remote, to: "\(dir)/back.bin")
        sampler.cancel()
        _ = await sampler.value
        let growth = await peak.maximum - baseline

        #expect(up == TransferResult(bytes: size, sha256: expected))
        #expect(down == up)
        let attributes = try FileManager.default.attributesOfItem(atPath: remote)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect((try FileManager.default.attributesOfItem(atPath: "\(dir)/back.bin")[.size] as? Int) == size)
        #expect(growth < 48 * 1024 * 1024, "resident memory grew by \(growth / 1024 / 1024) MiB during the transfer")
        _ = try await ssh.exec("rm -f \(remote)")
    }

    @Test("upload replaces the destination whole and leaves no temporary file")
    func replaceAtomically() async throws {
        let dir = try scratchDirectory("sftpreplace")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let remoteDir = "\(TestHosts.directory)/hosts/h15/work/replace-\(UInt32.random(in: 0...UInt32.max))"
        let ssh = try await TestHosts.connect(15)
        _ = try await ssh.exec("mkdir -p \(remoteDir) && echo old > \(remoteDir)/conf")
        try "new content\n".write(toFile: "\(dir)/conf", atomically: true, encoding: .utf8)
        let result = try await ssh.upload(from: "\(dir)/conf", to: "\(remoteDir)/conf", mode: 0o600)
        #expect(result.bytes == 12)
        let listing = try await ssh.exec("ls -A \(remoteDir); cat \(remoteDir)/conf; stat -c %a \(remoteDir)/conf")
        #expect(listing.stdoutText == "conf\nnew content\n600\n")
        _ = try await ssh.exec("rm -rf \(remoteDir)")
    }

    @Test("uploading into a missing directory fails clearly and leaves nothing behind")
    func missingDirectory() async throws {
        let dir = try scratchDirectory("sftpmissing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: "\(dir)/f", atomically: true, encoding: .utf8)
        let ssh = try await TestHosts.connect(15)
        let error = await #expect(throws: SSHError.self) {
            try await ssh.upload(from: "\(dir)/f", to: "/nonexistent-dir/f")
        }
        #expect(error?.code == .sftpFailed)
        #expect(error?.message.contains("no such file") == true)
        let missingLocal = await #expect(throws: SSHError.self) {
            try await ssh.download(from: "/nonexistent-dir/f", to: "\(dir)/g")
        }
        #expect(missingLocal?.code == .sftpFailed)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["f"])
    }
}

/// Samples resident memory every 20 ms until cancelled.
actor PeakSampler {
    private(set) var maximum = 0
    func run() async {
        while !Task.isCancelled {
            maximum = max(maximum, residentBytes())
            try? await Task.sleep(for: .milliseconds(20))
        }
        maximum = max(maximum, residentBytes())
    }
}
