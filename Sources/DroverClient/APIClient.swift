import AsyncHTTPClient
import DroverCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The controller server's `/api/v1` over HTTP(S): JSON requests with the
/// token as `Authorization: Bearer`, the answers as `Value`s, failures as
/// `APIFailure`s, and a run's Server-Sent Events. One per command; call
/// `shutdown()` when done.
public final class APIClient: Sendable {
    public let server: ServerAddress
    let token: String?
    let http: HTTPClient
    /// The longest any answer but an event stream may take to start.
    let timeout: TimeAmount

    /// `caFile`: PEM certificates to trust besides the system's (a private
    /// CA, or the server's self-signed certificate).
    public init(server: ServerAddress, token: String?, caFile: String? = nil, timeout: TimeAmount = .seconds(60)) throws(ClientSetupError) {
        self.server = server
        self.token = token
        self.timeout = timeout
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.additionalTrustRoots = [.certificates(try Self.certificates(caFile))] }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(10), read: nil))
        // A server that is not there should say so at once, not after retries until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func certificates(_ path: String) throws(ClientSetupError) -> [NIOSSLCertificate] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ClientSetupError("--ca-file \(path): no such file. Give the PEM certificate of the CA that signed the server's "
                + "certificate (or the server's own, if self-signed)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientSetupError("--ca-file \(path) cannot be read (\(String(cString: strerror(errno))))")
        }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw ClientSetupError("--ca-file \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----): a DER one converts with "
                + "`openssl x509 -inform der -in \(path) -out ca.pem`")
        }
        do {
            let certificates = try NIOSSLCertificate.fromPEMBytes(Array(data))
            guard !certificates.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
            return certificates
        } catch {
            throw ClientSetupError("--ca-file \(path): its PEM certificate cannot be read (damaged?): "
                + "`openssl x509 -in \(path) -noout -text` shows what is wrong")
        }
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// `GET path?query` → the JSON answer. Nil query values are left out.
    public func get(_ path: String, query: [(String, String?)] = []) async throws(APIFailure) -> Value {
        try await send(.GET, path + Self.queryString(query), body: nil)
    }

    /// `POST path` with a JSON body (nil: `{}`) → the JSON answer.
    public func post(_ path: String, body: Value? = nil) async throws(APIFailure) -> Value {
        try await send(.POST, path, body: body ?? .dict([:]))
    }

    static func queryString(_ query: [(String, String?)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let pairs = query.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    func request(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: server.url(path))
        request.method = method
        request.headers.add(name: "Accept", value: path.hasSuffix("/events") ? "text/event-stream" : "application/json")
        request.headers.add(name: "User-Agent", value: "drover-remote")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    func send(_ method: HTTPMethod, _ path: String, body: Value?) async throws(APIFailure) -> Value {
        var request = request(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonText()))
        }
        let status: Int, reason: String, text: String
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            reason = response.status.reasonPhrase
            text = String(buffer: try await response.body.collect(upTo: 64 << 20))
        } catch {
            throw APIFailure.transport(error, server: server)
        }
        guard (200..<300).contains(status) else { throw APIFailure.answer(status: status, reason: reason, body: text) }
        do {
            return try Value.parseJSON(text)
        } catch {
            throw APIFailure(status: status, message: "the server's answer to \(method) \(path) is not JSON",
                             hint: "is --server the address of a drover serve?")
        }
    }

    /// Follows `GET /api/v1/runs/{id}/events` (after `lastEventID`),
    /// handing each event to `handle` as it arrives, until the server ends
    /// the stream (after `run_finished`) or `handle` returns false.
    public func events(run id: Int64, lastEventID: String? = nil,
                       _ handle: (ServerSentEvent) async throws(APIFailure) -> Bool) async throws(APIFailure) {
        var request = request(.GET, "/api/v1/runs/\(id)/events")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response: HTTPClientResponse
        do {
            // The timeout covers the answer's head; the stream itself may stay quiet for as long as a task does.
            response = try await http.execute(request, timeout: timeout)
        } catch {
            throw APIFailure.transport(error, server: server)
        }
        guard response.status == .ok else {
            let text = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            throw APIFailure.answer(status: Int(response.status.code), reason: response.status.reasonPhrase, body: text)
        }
        var parser = ServerSentEventParser()
        do {
            for try await chunk in response.body {
                for event in parser.feed(chunk.readableBytesView) {
                    guard try await handle(event) else { return }
                }
            }
        } catch let failure as APIFailure {
            throw failure
        } catch {
            throw APIFailure.transport(error, server: server)
        }
    }
}
