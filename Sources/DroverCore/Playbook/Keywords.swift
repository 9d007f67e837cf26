/// The keywords Ansible documents for each level (Playbook Keywords page),
/// plus Drover's own additions, so misspellings are caught before a run.
enum Keywords {
    static let common: Set<String> = [
        "any_errors_fatal", "become", "become_exe", "become_flags", "become_method", "become_user",
        "check_mode", "collections", "connection", "debugger", "diff", "environment", "ignore_errors",
        "ignore_unreachable", "module_defaults", "name", "no_log", "port", "remote_user", "run_once",
        "tags", "throttle", "timeout", "vars",
    ]

    static let play: Set<String> = common.union([
        "hosts", "fact_path", "force_handlers", "gather_facts", "gather_subset", "gather_timeout",
        "handlers", "max_fail_percentage", "order", "post_tasks", "pre_tasks", "roles", "serial",
        "strategy", "tasks", "vars_files", "vars_prompt",
        // Drover
        "rollback", "collect_on_failure",
    ])

    static let block: Set<String> = common.union([
        "block", "rescue", "always", "delegate_to", "delegate_facts", "notify", "when",
    ])

    static let task: Set<String> = common.union([
        "action", "args", "async", "changed_when", "delay", "delegate_facts", "delegate_to",
        "failed_when", "local_action", "loop", "loop_control", "notify", "poll", "register",
        "retries", "until", "when", "listen",
        // Drover
        "undo", "expect",
    ])

    static let role: Set<String> = common.union(["role", "when", "delegate_to", "delegate_facts"])

    static let loopControl: Set<String> = ["loop_var", "index_var", "label", "pause", "extended", "extended_allitems"]

    /// `with_items`, `with_dict`, … are loop keywords too.
    static func isWithLoop(_ key: String) -> Bool { key.hasPrefix("with_") && key.count > 5 }

    static let withLoops: Set<String> = [
        "items", "list", "dict", "fileglob", "sequence", "together", "subelements", "nested",
        "indexed_items", "flattened", "random_choice", "first_found", "lines", "file", "env",
        "inventory_hostnames", "cartesian",
    ]
}
