/// Whether a run may execute commands on, or read the environment of, the
/// controller: the machine Drover itself runs on. That is what `with_lines`,
/// `lookup('env')`, `delegate_to: localhost`, `local_action`, `connection:
/// local` and `ansible_connection=local` do. The CLI allows it, as
/// ansible-playbook does; a server that runs other people's playbooks
/// forbids it, so that a playbook cannot read the server's secrets or run
/// commands as the server.
public enum ControllerAccess: Sendable, Equatable {
    case allowed
    case forbidden
}
