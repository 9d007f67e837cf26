/// One thing that happened in a run, as a value (what a server streams
/// and replays); `RunObserver` calls carry the same facts.
public enum RunEvent: Sendable {
    case runStarted(runID: Int64)
    /// `index` is the play's 1-based position in the playbook.
    case playStarted(index: Int, name: String, hosts: [String])
    case taskStarted(id: TaskID, title: String, module: String, location: SourceLocation?, hosts: Int, handler: Bool)
    case hostResult(HostTaskReport)
    case output(OutputChunk)
    case message(String)
    case recap(RunRecap)
    /// The last event of a run, sent by whoever ended it.
    case runFinished(status: RunStatus, recap: RunRecap?, duration: Duration)
}
