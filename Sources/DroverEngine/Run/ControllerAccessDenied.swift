import DroverCore

/// A task would run on the controller in a run that forbids it
/// (`RunOptions.controllerAccess`).
struct ControllerAccessDenied: Error, CustomStringConvertible {
    let host: String
    /// The task (or play, for facts) that asked for it.
    let location: SourceLocation?

    var description: String {
        (location.map { "\($0): " } ?? "")
            + "\(host) would run on the controller (delegate_to: localhost, local_action, connection: local or "
            + "ansible_connection=local), and this run forbids controller access; run it on a managed host instead"
    }
}
