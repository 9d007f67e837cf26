import DroverCore
import Foundation

/// A request that did not succeed: the server's `{error: {code, message,
/// field, fields}}` with its status, or a transport failure (no status).
/// `description` is what `drover remote` prints after `Error: `.
public struct APIFailure: Error, CustomStringConvertible, Sendable {
    /// The HTTP status, nil when no answer came.
    public var status: Int?
    /// The server's error code (`survey_invalid`, `forbidden`…).
    public var code: String?
    public var message: String
    public var field: String?
    /// One entry per refused field (a survey).
    public var fields: [(field: String, message: String)] = []
    /// What to do, when the client knows better than the message.
    public var hint: String?

    public init(status: Int?, code: String? = nil, message: String, field: String? = nil, hint: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.hint = hint
    }

    public var description: String {
        var text = message
        if let status {
            let what = [String(status), code].compactMap { $0 }.joined(separator: " ")
            text += field.map { " (\(what), field `\($0)`)" } ?? " (\(what))"
        }
        // A refused survey lists each field; the message already names them on one line.
        if fields.count > 1 { text += fields.map { "\n  \($0.field): \($0.message)" }.joined() }
        if let hint { text += "\n" + hint }
        return text
    }

    /// The failure a non-2xx answer stands for: the server's error object,
    /// else (a proxy's page) the status and the start of the body.
    static func answer(status: Int, reason: String, body: String) -> APIFailure {
        if case .dict(let root)? = try? Value.parseJSON(body), case .dict(let error)? = root["error"],
           let message = error["message"]?.stringValue {
            var failure = APIFailure(status: status, code: error["code"]?.stringValue, message: message, field: error["field"]?.stringValue)
            if case .list(let entries)? = error["fields"] {
                failure.fields = entries.compactMap { entry in
                    guard case .dict(let item) = entry, let field = item["field"]?.stringValue, let message = item["message"]?.stringValue else {
                        return nil
                    }
                    return (field, message)
                }
            }
            return failure
        }
        let excerpt = body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)
        return APIFailure(status: status, message: "the server answered \(status) \(reason)" + (excerpt.isEmpty ? "" : ": \(excerpt)"),
                          hint: "is --server the address of a drover serve (not a proxy's error page)?")
    }

    /// A failure to reach the server, in words: refused, unresolvable,
    /// timed out, not trusted, the wrong scheme.
    static func transport(_ error: any Error, server: ServerAddress) -> APIFailure {
        let text = String(describing: error)
        let has = { (needle: String) in text.localizedCaseInsensitiveContains(needle) }
        if error is CancellationError { return APIFailure(status: nil, message: "cancelled") }
        if has("CERTIFICATE_VERIFY_FAILED") || has("certificateVerify") || has("unable to get local issuer") || has("self signed")
            || has("self-signed") || has("untrusted") {
            return APIFailure(status: nil, message: "the certificate of \(server) is not trusted",
                              hint: "pass --ca-file with the CA that signed it (or the server's self-signed certificate, PEM)")
        }
        if has("failedToValidateHostname") || has("hostname") && has("valid") {
            return APIFailure(status: nil, message: "the certificate of \(server) is not made out to that host name",
                              hint: "connect with a name its subjectAltName lists (`openssl x509 -in cert.pem -noout -ext subjectAltName`)")
        }
        if has("WRONG_VERSION_NUMBER") || has("HTTP_REQUEST") || has("PACKET_LENGTH_TOO_LONG") {
            return APIFailure(status: nil, message: "\(server) does not speak HTTPS", hint: "use http:// (the server has no --tls-cert)")
        }
        if has("handshake") || has("BoringSSL") || has("NIOSSL") {
            return APIFailure(status: nil, message: "the TLS handshake with \(server) failed: \(text)")
        }
        if has("refused") || has("ECONNREFUSED") || has("errno: 111") {
            return APIFailure(status: nil, message: "nothing answers at \(server) (connection refused)",
                              hint: "is `drover serve` running there, listening on that address and port (--listen)?")
        }
        if has("connectTimeout") || has("timed out") || has("deadlineExceeded") {
            return APIFailure(status: nil, message: "\(server) did not answer in time",
                              hint: "is the address right, and the port open between here and there?")
        }
        if has("lookup") || has("resolve") || has("getaddrinfo") || has("NXDOMAIN") || has("unknown host") {
            return APIFailure(status: nil, message: "the host name of \(server) does not resolve", hint: "check the spelling of --server")
        }
        if !server.isTLS && (has("remoteConnectionClosed") || has("invalidEOFState") || has("invalid") && has("response")) {
            return APIFailure(status: nil, message: "\(server) closed the connection without an HTTP answer",
                              hint: "if the server was started with --tls-cert, use https://")
        }
        return APIFailure(status: nil, message: "cannot talk to \(server): \(text)")
    }
}
