import ArgumentParser
import DroverClient
import Foundation

/// `drover remote`: the controller server's API from the command line.
struct RemoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Launch, follow, list, show and cancel runs on a controller server (drover serve).",
        discussion: """
            drover remote --server URL --token-file F launch TEMPLATE --follow prints the run as drover run \
            prints it and exits as drover run would (0, 2 a host failed, 4 unreachable, 130 cancelled); \
            drover remote follow RUN does the same for a run already going. \
            --server and --token-file may also come from DROVER_SERVER and DROVER_TOKEN_FILE. The token file \
            holds one API token (drover tokens create) and must be readable by its owner only (chmod 600). \
            For an HTTPS server whose certificate a private CA signed (or a self-signed one), give that PEM \
            certificate with --ca-file.
            """,
        subcommands: [RemoteLaunchCommand.self, RemoteFollowCommand.self, RemoteRunsCommand.self, RemoteShowCommand.self, RemoteCancelCommand.self]
    )

    @OptionGroup var options: RemoteOptions
}

/// `--server`, `--token-file`, `--ca-file`: where the server is and who we are.
struct RemoteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's URL, such as https://drover.example:8080 (default: $DROVER_SERVER).", valueName: "url"))
    var server: String?

    @Option(name: .customLong("token-file"),
            help: ArgumentHelp("A file holding an API token, mode 600 (default: $DROVER_TOKEN_FILE; none: no token, for --insecure-local).",
                               valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM certificate(s) to trust for an HTTPS server: its private CA, or its self-signed certificate.",
                                                             valueName: "file"))
    var caFile: String?

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    var serverURL: String? { server ?? Self.environment["DROVER_SERVER"].flatMap { $0.isEmpty ? nil : $0 } }
    var tokenPath: String? { tokenFile ?? Self.environment["DROVER_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 } }

    /// A missing or malformed URL is a command-line mistake. Called by
    /// each subcommand's `validate()` (not this group's own, so that a
    /// bare `drover remote` shows the help).
    func check() throws {
        guard let serverURL else { throw ValidationError("--server URL is required (or DROVER_SERVER): the address of a drover serve") }
        do {
            _ = try ServerAddress(serverURL)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Runs `body` with a client of the server; its failures (and the
    /// token or CA file's) become `CommandFailure`s, with what to do.
    func withClient<T>(_ body: (APIClient) async throws -> T) async throws -> T {
        let client: APIClient
        do {
            let address = try ServerAddress(serverURL ?? "")
            let token = try tokenPath.map { path throws(ClientSetupError) in try TokenFile.read(path) }
            client = try APIClient(server: address, token: token, caFile: caFile)
        } catch {
            throw CommandFailure(error.description)
        }
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch let failure as APIFailure {
            await client.shutdown()
            throw CommandFailure(explain(failure))
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// The server's message, and for 401/403 what to do about it.
    func explain(_ failure: APIFailure) -> String {
        var failure = failure
        switch failure.status {
        case 401?:
            failure.hint = tokenPath == nil
                ? "this server wants a token: pass --token-file F (a file holding a token from `drover tokens create --user NAME --scope launch`, mode 600)"
                : "the token in \(tokenPath!) was not accepted: it may be expired or revoked (`drover tokens list` on the server's machine); "
                    + "an admin makes a new one with `drover tokens create --user NAME`"
        case 403?:
            failure.hint = "the token's user may not do this: an admin can give the user a role that may (`drover users`), grant the "
                + "template to them in drover.yml (`grants`), or make a token with a wider --scope"
        default: break
        }
        return failure.description
    }
}
