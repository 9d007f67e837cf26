import ArgumentParser
import DroverClient

/// `drover remote cancel RUN`: `POST /api/v1/runs/{id}/cancel`.
struct RemoteCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a running or queued run of the server.",
        discussion: "Running commands get the run's grace period to stop; a queued run never starts. The run ends `cancelled`."
    )

    @ParentCommand var remote: RemoteCommand

    @OptionGroup var target: RemoteRunArgument
    var runID: Int64 { target.runID }

    func validate() throws {
        try remote.options.check()
    }

    func run() async throws {
        let id = runID
        let answer = try await remote.options.withClient { client in
            try await client.post("/api/v1/runs/\(id)/cancel")
        }
        var status = "cancelling"
        if case .dict(let fields) = answer, let text = fields["status"]?.stringValue { status = text }
        Output.line("run \(id): \(status) (`drover remote show \(id)` tells when it has stopped)")
    }
}
