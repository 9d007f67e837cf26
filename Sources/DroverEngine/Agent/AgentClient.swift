import DroverCore
import DroverSSH

/// The agent's primitives as Swift calls, over any transport.
public struct AgentClient: Sendable {
    public let transport: any AgentTransport
    /// Limit for primitives other than `exec`, which takes the task's own.
    public var primitiveTimeout: Duration = .seconds(120)
    /// The run's stop signal: a cancelled run's requests send `kill`.
    public var cancellation: RunCancellation?
    /// Counts this client's requests for the task that holds it.
    public var roundTrips: RoundTripCounter?
    /// Receives an exec's output as the host produces it (live display).
    public var onOutput: (@Sendable (ExecOutputStream, ArraySlice<UInt8>) -> Void)?
    /// Files of this host the run has read or written (one per agent).
    public var contents: ContentCache?

    public init(_ transport: any AgentTransport) {
        self.transport = transport
    }

    public var hostName: String { transport.hostName }

    public func call(_ operation: String, _ fields: [[UInt8]], timeout: Duration?) async throws -> AgentResponse {
        let token = AgentFrame.newToken()
        roundTrips?.add(1)
        let frame = try await transport.roundTrip(AgentFrame.request(operation, fields, token: token), timeout: timeout,
                                                  interruption: interruption)
        guard let response = AgentFrame.parseResponse(frame, token: token) else {
            throw AgentError(.protocolError, host: hostName, "the agent answered `\(operation)` out of protocol; it may be an older version (stop stale agents and retry)")
        }
        return response
    }

    private func call(_ operation: String, _ fields: String...) async throws -> AgentResponse {
        try await call(operation, fields.map { Array($0.utf8) }, timeout: primitiveTimeout)
    }

    /// Runs `script` with /bin/sh. `timeout` in seconds (0: none) is enforced
    /// on the host; the controller waits a little longer before giving up.
    public func exec(_ script: String, stdin: [UInt8] = [], cwd: String = "",
                     environment: [(String, String)] = [], timeout: Int = 0) async throws -> AgentResponse {
        try await exec(fields: [Array(script.utf8)], stdin: stdin, cwd: cwd, environment: environment, timeout: timeout)
    }

    /// Runs the program `argv[0]` with its arguments directly, without a
    /// shell (the command module). A program that is not on PATH answers
    /// rc 127 with meta `not_found=1`.
    public func exec(argv: [String], stdin: [UInt8] = [], cwd: String = "",
                     environment: [(String, String)] = [], timeout: Int = 0) async throws -> AgentResponse {
        let words = argv.map(shellQuote).joined(separator: " ")
        return try await exec(fields: [Array(words.utf8)], stdin: stdin, cwd: cwd, environment: environment,
                              timeout: timeout, how: "argv")
    }

    private func exec(fields first: [[UInt8]], stdin: [UInt8], cwd: String, environment: [(String, String)],
                      timeout: Int, how: String? = nil) async throws -> AgentResponse {
        let env = environment.map { "\($0.0)=\($0.1)\n" }.joined()
        var fields = first + [stdin, Array(cwd.utf8), Array(env.utf8), timeout > 0 ? Array(String(timeout).utf8) : []]
        if let how { fields.append(Array(how.utf8)) }
        let token = AgentFrame.newToken()
        roundTrips?.add(1)
        let decoder = try await transport.exchange(AgentFrame.request("exec", fields, token: token),
                                                   timeout: timeout > 0 ? .seconds(timeout + 30) : nil,
                                                   interruption: interruption,
                                                   decoder: ExecStreamDecoder(token: token, onOutput: onOutput))
        guard let response = decoder.result, response.rc >= 0 else {
            throw AgentError(.protocolError, host: hostName, "the agent answered `exec` out of protocol; it may be an older version (stop stale agents and retry)")
        }
        return response
    }

    /// Kill requests follow a cancelled run's requests.
    private var interruption: (any ExchangeInterruption)? {
        cancellation.map { KillInterruption($0) }
    }

    public func stat(_ path: String) async throws -> PathState {
        try await stat([path])[0]
    }

    /// A file's bytes, or nil when it is not a regular file.
    public func read(_ path: String) async throws -> [UInt8]? {
        let r = try await call("read", [Array(path.utf8)], timeout: primitiveTimeout)
        return r.rc == 0 ? r.stdout : nil
    }

    public struct WriteOutcome: Sendable {
        public var previous: PathState
        public var sha256: String?
    }

    /// Atomic write (temp file + rename). Throws `PrimitiveError` with the
    /// agent's stderr when it fails (no space, permission, unknown owner).
    public func write(_ path: String, content: [UInt8], mode: String = "", owner: String = "",
                      backupDirectory: String = "") async throws -> WriteOutcome {
        let fields: [[UInt8]] = [Array(path.utf8), content, Array(mode.utf8), Array(owner.utf8), Array(backupDirectory.utf8)]
        let r = try await call("write", fields, timeout: primitiveTimeout)
        try check(r, "write \(path)")
        // The bytes written are the bytes sent: their digest needs no process on the host.
        return WriteOutcome(previous: PathState(meta: r.meta), sha256: FileContentDigest.sha256(content))
    }

    @discardableResult
    public func mkdir(_ path: String, mode: String = "") async throws -> PathState {
        let r = try await call("mkdir", path, mode)
        try check(r, "create directory \(path)")
        return PathState(meta: r.meta)
    }

    @discardableResult
    public func remove(_ path: String) async throws -> PathState {
        let r = try await call("remove", path)
        try check(r, "remove \(path)")
        return PathState(meta: r.meta)
    }

    @discardableResult
    public func symlink(target: String, link: String) async throws -> PathState {
        let r = try await call("symlink", target, link)
        try check(r, "link \(link)")
        return PathState(meta: r.meta)
    }

    public func chmod(_ path: String, mode: String) async throws {
        try check(try await call("chmod", path, mode), "chmod \(path)")
    }

    public func chown(_ path: String, owner: String) async throws {
        try check(try await call("chown", path, owner), "chown \(path)")
    }

    /// The hex SHA-256 of a file, or nil when it is not a regular file.
    public func sha256(_ path: String) async throws -> String? {
        let r = try await call("sha256", path)
        return r.rc == 0 ? r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// The host's raw facts: those the agent's start brought, the first
    /// time (no round trip of their own), else a `facts` request.
    public func facts() async throws -> String {
        if let facts = transport.takeHelloFacts() { return facts }
        return try await call("facts").stdoutText
    }

    func check(_ response: AgentResponse, _ what: String) throws {
        guard response.rc == 0 else {
            let detail = response.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw PrimitiveError(host: hostName, message: "cannot \(what): \(detail.isEmpty ? "exit status \(response.rc)" : detail)")
        }
    }

    @discardableResult
    static func checkHello(_ frame: [UInt8], token: String, host: String) throws -> AgentResponse {
        guard let response = AgentFrame.parseResponse(frame, token: token), response.meta["protocol"] == String(AgentFrame.version) else {
            throw AgentError(.startFailed, host: host,
                "the agent did not answer the protocol \(AgentFrame.version) handshake: \(String(decoding: frame.prefix(200), as: UTF8.self))")
        }
        return response
    }
}

/// A primitive that ran but failed on the host (the task fails; the host
/// stays reachable).
public struct PrimitiveError: Error, Sendable, CustomStringConvertible {
    public let host: String
    public let message: String
    public var description: String { message }
}
