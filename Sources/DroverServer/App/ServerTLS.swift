import Foundation
import NIOSSL

/// `--tls-cert` and `--tls-key`: the PEM files `drover serve` presents
/// over HTTPS.
public struct TLSFiles: Sendable, Equatable {
    /// The certificate, followed by any intermediates (leaf first).
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}

/// Reads and checks the TLS files before the server starts, so that every
/// problem is a sentence that says what to do, not a handshake failure
/// later: a missing or unreadable file, a file that holds something else
/// (swapped, DER, an encrypted key), a key that does not belong to the
/// certificate, a key other users may read.
public enum ServerTLS {
    static let makeOne = "for a test, `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 "
        + "-subj /CN=HOST -addext subjectAltName=DNS:HOST -keyout key.pem -out cert.pem` makes a self-signed pair"

    public static func configuration(_ files: TLSFiles) throws(ServerSetupError) -> TLSConfiguration {
        let certificateText = try read(files.certificate, option: "--tls-cert", what: "the PEM certificate the server presents")
        let keyText = try read(files.key, option: "--tls-key", what: "the PEM private key of that certificate")
        // What the files hold first: swapped files are named as such, not as a certificate too open.
        let chain = try certificates(certificateText, path: files.certificate)
        let key = try privateKey(keyText, path: files.key)
        try checkPrivate(files.key)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            // BoringSSL loads the chain, then refuses a key whose public half differs from the leaf's.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerSetupError("--tls-key \(files.key) does not belong to the certificate in --tls-cert \(files.certificate) "
                + "(their public keys differ): give the key the certificate was made with")
        }
        return configuration
    }

    /// The file's text, or why it cannot be had.
    static func read(_ path: String, option: String, what: String) throws(ServerSetupError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ServerSetupError("\(option) \(path): no such file. Give \(what); \(makeOne)")
        }
        guard !isDirectory.boolValue else { throw ServerSetupError("\(option) \(path) is a directory: give \(what), a file") }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ServerSetupError("\(option) \(path) cannot be read (\(reason)): make it readable by the user drover serve runs as "
                + "(\(NSUserName())), e.g. with chown")
        }
        close(descriptor)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ServerSetupError("\(option) \(path) is not a PEM text file (binary DER?): convert it with "
                + (option == "--tls-key" ? "`openssl pkey -inform der -in \(path) -out key.pem`" : "`openssl x509 -inform der -in \(path) -out cert.pem`"))
        }
        return text
    }

    /// A private key only its owner can read: anyone else could pose as the server.
    static func checkPrivate(_ path: String) throws(ServerSetupError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // read() says what is wrong
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ServerSetupError("--tls-key \(path) is open to group or others (mode \(String(mode, radix: 8))): anyone who can read it "
                + "can pose as this server. Run `chmod 600 \(path)` (owned by the user drover serve runs as)")
        }
    }

    static func certificates(_ text: String, path: String) throws(ServerSetupError) -> [NIOSSLCertificate] {
        if !text.contains("-----BEGIN CERTIFICATE-----") {
            if text.contains("PRIVATE KEY-----") {
                throw ServerSetupError("--tls-cert \(path) holds a private key, not a certificate: are --tls-cert and --tls-key swapped?")
            }
            throw ServerSetupError("--tls-cert \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the certificate "
                + "in PEM form (a DER one converts with `openssl x509 -inform der -in \(path) -out cert.pem`); \(makeOne)")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(text.utf8))
            guard !chain.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
            return chain
        } catch {
            throw ServerSetupError("--tls-cert \(path): its PEM certificate cannot be read (damaged or truncated?): "
                + "`openssl x509 -in \(path) -noout -text` shows what is wrong")
        }
    }

    static func privateKey(_ text: String, path: String) throws(ServerSetupError) -> NIOSSLPrivateKey {
        guard text.contains("PRIVATE KEY-----") else {
            if text.contains("-----BEGIN CERTIFICATE-----") {
                throw ServerSetupError("--tls-key \(path) holds a certificate, not a private key: are --tls-cert and --tls-key swapped?")
            }
            throw ServerSetupError("--tls-key \(path) holds no PEM private key (-----BEGIN PRIVATE KEY-----): give the certificate's key "
                + "in PEM form (a DER one converts with `openssl pkey -inform der -in \(path) -out key.pem`)")
        }
        if text.contains("ENCRYPTED") {
            throw ServerSetupError("--tls-key \(path) is encrypted with a passphrase, which drover serve cannot ask for: "
                + "decrypt it with `openssl pkey -in \(path) -out key.pem` and keep that file mode 600")
        }
        do {
            return try NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem)
        } catch {
            throw ServerSetupError("--tls-key \(path): its PEM private key cannot be read (damaged, or a type TLS cannot use?): "
                + "`openssl pkey -in \(path) -noout -text` shows what is wrong")
        }
    }
}
