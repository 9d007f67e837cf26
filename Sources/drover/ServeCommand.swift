import ArgumentParser
import DroverServer

/// `drover serve`: a thin adapter over DroverServer's Controller.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the controller server: job templates from DIR/drover.yml, the HTTP API, the run queue.",
        discussion: """
            SIGTERM or SIGINT stop new launches, let running runs finish for up to --shutdown-grace seconds, \
            then cancel them. SIGHUP re-reads drover.yml. Requests carry an API token (drover tokens create); \
            --insecure-local lets loopback in without one. With --tls-cert and --tls-key (PEM, the key mode 600) \
            the server speaks HTTPS only. See docs/server.md.
            """
    )

    @Option(help: "The project directory (holds drover.yml).")
    var project: String

    @Option(help: "Address and port to listen on.")
    var listen = "127.0.0.1:8080"

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this PEM certificate (leaf first, then intermediates).", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The certificate's PEM private key (unencrypted; readable by its owner only).", valueName: "file"))
    var tlsKey: String?

    @Option(help: "Seconds running runs get to finish on shutdown before they are cancelled.")
    var shutdownGrace = 60

    @Option(help: "Runs executing at once; the others wait, queued.")
    var maxRuns = 8

    @Flag(help: "Accept unauthenticated requests from this machine (loopback) only. For trying the server until auth lands.")
    var insecureLocal = false

    @Flag(help: "Let playbooks run on this machine and read its environment (local connections, delegate_to: localhost, lookup('env'), with_lines). Off by default: a server runs other people's playbooks.")
    var allowControllerAccess = false

    @Flag(help: "Log every request and run event (debug level).")
    var verbose = false

    func validate() throws {
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace is a number of seconds (0 or more)") }
        guard (1...1000).contains(maxRuns) else { throw ValidationError("--max-runs is between 1 and 1000") }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both (HTTPS) or neither (plain HTTP)")
        }
    }

    func run() async throws {
        var settings = ServerSettings(project: project)
        do {
            try settings.listen(on: listen)
        } catch let error as ServerSetupError {
            throw ValidationError(error.description)
        }
        settings.shutdownGrace = .seconds(shutdownGrace)
        settings.maxRuns = maxRuns
        settings.insecureLocal = insecureLocal
        settings.controllerAccess = allowControllerAccess ? .allowed : .forbidden
        if let tlsCert, let tlsKey { settings.tls = TLSFiles(certificate: tlsCert, key: tlsKey) }
        ServerLogging.bootstrap(level: verbose ? .debug : .info)
        let logger = ServerLogging.logger()
        let controller: Controller
        do {
            controller = try await Controller.open(settings, logger: logger)
        } catch let error as ServerSetupError {
            // A file that is wrong (drover.yml, the TLS files, the store), not the command line: exit 1.
            throw CommandFailure(error.description)
        }
        let host = settings.host, project = settings.project, scheme = settings.scheme
        try await controller.serve { port in
            logger.notice("listening", metadata: ["address": "\(host):\(port)", "url": "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)",
                                                 "project": "\(project)"])
        }
    }
}
