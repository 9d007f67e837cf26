import AsyncHTTPClient
import Crypto
import DroverCore
import DroverServer
import DroverTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing
import X509

/// `drover serve --tls-cert --tls-key`: real HTTPS on loopback with a
/// self-signed certificate made here, and the errors for bad files.
@Suite("Server TLS")
struct ServerTLSTests {
    /// A self-signed certificate for `localhost` and its key, as PEM files
    /// in `directory` (the key mode 600).
    static func selfSigned(in directory: String, name: String = "server") throws -> TLSFiles {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName("localhost") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                BasicConstraints.isCertificateAuthority(maxPathLength: nil)
                SubjectAlternativeNames([.dnsName("localhost")])
            },
            issuerPrivateKey: .init(key))
        let files = TLSFiles(certificate: "\(directory)/\(name).crt", key: "\(directory)/\(name).key")
        try certificate.serializeAsPEM().pemString.write(toFile: files.certificate, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: files.key, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        return files
    }

    @Test("HTTPS on loopback: a client trusting the certificate is served, one that does not is refused; drover remote takes --ca-file")
    func https() async throws {
        let directory = try scratchDirectory("tls-serve")
        let files = try Self.selfSigned(in: directory)
        let server = try await ServerHarness("tls-server", hosts: [18], tls: files)
        defer { Swift.Task { await server.stop() } }
        #expect(server.base.hasPrefix("https://localhost:"))

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(files.certificate))]
        let trusting = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        let plain = HTTPClient(eventLoopGroupProvider: .singleton)
        defer {
            Swift.Task {
                try? await trusting.shutdown()
                try? await plain.shutdown()
            }
        }
        let health = try await trusting.execute(HTTPClientRequest(url: server.base + "/healthz"), timeout: .seconds(30))
        #expect(health.status == .ok)
        let runs = try await trusting.execute(HTTPClientRequest(url: server.base + "/api/v1/runs"), timeout: .seconds(30))
        #expect(runs.status == .ok)
        await #expect(throws: (any Error).self) {
            _ = try await plain.execute(HTTPClientRequest(url: server.base + "/healthz"), timeout: .seconds(30))
        }

        // drover remote over HTTPS: launch, follow the events to the end.
        let home = try scratchDirectory("tls-remote-home")
        let followed = try await RemoteCommandTests.drover(["remote", "--server", server.base, "--ca-file", files.certificate,
                                                            "launch", "nap", "--survey", "release=v1.0", "--follow"], home: home)
        #expect(followed.status == 0, "\(followed.stdoutText)\(followed.stderrText)")
        #expect(followed.stdoutText.contains("PLAY RECAP") && followed.stdoutText.contains("h18"), "\(followed.stdoutText)")
        let untrusted = try await RemoteCommandTests.drover(["remote", "--server", server.base, "runs"], home: home)
        #expect(untrusted.status == 1)
        #expect(untrusted.stderrText.contains("is not trusted") && untrusted.stderrText.contains("--ca-file"), "\(untrusted.stderrText)")
        let cleartext = try await RemoteCommandTests.drover(["remote", "--server", server.base.replacingOccurrences(of: "https:", with: "http:"),
                                                             "runs"], home: home)
        #expect(cleartext.status == 1)
        #expect(cleartext.stderrText.contains("https://"), "\(cleartext.stderrText)")
        let notPEM = try await RemoteCommandTests.drover(["remote", "--server", server.base, "--ca-file", files.key, "runs"], home: home)
        #expect(notPEM.status == 1 && notPEM.stderrText.contains("holds no PEM certificate"), "\(notPEM.stderrText)")
    }

    @Test("a missing, swapped, mismatched, garbled or exposed TLS file stops the server with what to do")
    func badFiles() async throws {
        let directory = try scratchDirectory("tls-bad")
        let good = try Self.selfSigned(in: directory)
        let other = try Self.selfSigned(in: directory, name: "other")
        func problem(_ files: TLSFiles) -> String {
            do {
                _ = try ServerTLS.configuration(files)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(problem(good) == "accepted")
        #expect(problem(TLSFiles(certificate: "\(directory)/none.crt", key: good.key)).contains("--tls-cert \(directory)/none.crt: no such file"))
        #expect(problem(TLSFiles(certificate: good.certificate, key: "\(directory)/none.key")).contains("--tls-key \(directory)/none.key: no such file"))
        #expect(problem(TLSFiles(certificate: directory, key: good.key)).contains("is a directory"))
        #expect(problem(TLSFiles(certificate: good.key, key: good.key)).contains("are --tls-cert and --tls-key swapped?"))
        let certificateAsKey = "\(directory)/cert-as-key.pem"
        try FileManager.default.copyItem(atPath: good.certificate, toPath: certificateAsKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: certificateAsKey)
        #expect(problem(TLSFiles(certificate: good.certificate, key: certificateAsKey)).contains("holds a certificate, not a private key"))
        #expect(problem(TLSFiles(certificate: good.certificate, key: other.key))
            .contains("does not belong to the certificate in --tls-cert \(good.certificate) (their public keys differ)"))
        let garbage = "\(directory)/garbage.crt"
        try "hello".write(toFile: garbage, atomically: true, encoding: .utf8)
        #expect(problem(TLSFiles(certificate: garbage, key: good.key)).contains("holds no PEM certificate"))
        let truncated = "\(directory)/truncated.crt"
        let text = try String(contentsOfFile: good.certificate, encoding: .utf8)
        try String(text.prefix(120)).write(toFile: truncated, atomically: true, encoding: .utf8)
        #expect(problem(TLSFiles(certificate: truncated, key: good.key)).contains("cannot be read (damaged or truncated?)"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: good.key)
        let exposed = problem(good)
        #expect(exposed.contains("is open to group or others (mode 644)") && exposed.contains("chmod 600 \(good.key)"), "\(exposed)")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: good.key)
        #expect(problem(good).contains("(mode 640)"))

        // From the command line: both or neither is a usage error (64); a bad file is an error found while working (1).
        let home = try scratchDirectory("tls-bad-home")
        let half = try await RemoteCommandTests.drover(["serve", "--project", directory, "--tls-cert", good.certificate], home: home)
        #expect(half.status == 64 && half.stderrText.contains("--tls-cert and --tls-key go together"), "\(half.stderrText)")
        let missing = try await RemoteCommandTests.drover(["serve", "--project", directory, "--tls-cert", "\(directory)/none.crt",
                                                           "--tls-key", other.key], home: home)
        #expect(missing.status == 1 && missing.stderrText.contains("no such file"), "\(missing.stderrText)")
    }
}
