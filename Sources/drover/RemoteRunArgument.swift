import ArgumentParser

/// The RUN argument of `drover remote show|cancel|follow`.
struct RemoteRunArgument: ParsableArguments {
    @Argument(help: "The run's id (from drover remote runs).")
    var runID: Int64

    func validate() throws {
        guard runID >= 1 else { throw ValidationError("a run id is a number, 1 or more") }
    }
}
