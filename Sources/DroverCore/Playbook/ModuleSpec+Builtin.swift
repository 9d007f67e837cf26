/// Argument specs of the modules Drover implements, from Ansible's module
/// documentation (ansible.builtin.*; `collect` is Drover's own).
extension ModuleSpec {
    static let ownership = [a("mode", .raw), a("owner"), a("group"), a("seuser"), a("serole"), a("setype"), a("selevel"), a("unsafe_writes", .bool), a("attributes", aliases: ["attr"])]
    static let states = ["present", "absent"]

    public static let builtin: [String: ModuleSpec] = {
        var specs: [ModuleSpec] = [
            ModuleSpec(name: "command", arguments: [
                a("cmd"), a("argv", .list), a("chdir", .path), a("creates", .path), a("removes", .path),
                a("stdin"), a("stdin_add_newline", .bool), a("strip_empty_ends", .bool), a("expand_argument_vars", .bool),
            ], freeForm: true, mutuallyExclusive: [["cmd", "argv", "_raw_params"]]),
            ModuleSpec(name: "shell", arguments: [
                a("cmd"), a("chdir", .path), a("creates", .path), a("removes", .path), a("executable", .path),
                a("stdin"), a("stdin_add_newline", .bool),
            ], freeForm: true),
            ModuleSpec(name: "raw", arguments: [a("executable", .path)], freeForm: true),
            ModuleSpec(name: "script", arguments: [
                a("cmd"), a("chdir", .path), a("creates", .path), a("removes", .path), a("executable"),
            ], freeForm: true),
            ModuleSpec(name: "copy", arguments: [
                a("src", .path), a("content", .raw), a("dest", .path, required: true), a("backup", .bool),
                a("force", .bool, aliases: ["thirsty"]), a("remote_src", .bool), a("validate"),
                a("directory_mode", .raw), a("follow", .bool), a("local_follow", .bool), a("checksum"), a("decrypt", .bool),
            ] + ownership, mutuallyExclusive: [["src", "content"]]),
            ModuleSpec(name: "fetch", arguments: [
                a("src", .path, required: true), a("dest", .path, required: true), a("flat", .bool),
                a("fail_on_missing", .bool), a("validate_checksum", .bool),
            ]),
            ModuleSpec(name: "template", arguments: [
                a("src", .path, required: true), a("dest", .path, required: true), a("backup", .bool),
                a("validate"), a("force", .bool), a("follow", .bool), a("newline_sequence", choices: ["\\n", "\\r", "\\r\\n"]),
                a("trim_blocks", .bool), a("lstrip_blocks", .bool), a("block_start_string"), a("block_end_string"),
                a("variable_start_string"), a("variable_end_string"), a("comment_start_string"), a("comment_end_string"),
                a("output_encoding"),
            ] + ownership),
            ModuleSpec(name: "file", arguments: [
                a("path", .path, required: true, aliases: ["dest", "name"]),
                a("state", choices: ["absent", "directory", "file", "hard", "link", "touch"]),
                a("src", .path), a("recurse", .bool), a("force", .bool), a("follow", .bool),
                a("modification_time"), a("modification_time_format"), a("access_time"), a("access_time_format"),
            ] + ownership),
            ModuleSpec(name: "lineinfile", arguments: [
                a("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
                a("regexp", aliases: ["regex"]), a("search_string"), a("state", choices: states),
                a("line", aliases: ["value"]), a("backrefs", .bool), a("insertafter"), a("insertbefore"),
                a("create", .bool), a("backup", .bool), a("firstmatch", .bool), a("validate"),
            ] + ownership, mutuallyExclusive: [["insertbefore", "insertafter"], ["regexp", "search_string"]]),
            ModuleSpec(name: "blockinfile", arguments: [
                a("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
                a("state", choices: states), a("marker"), a("block", aliases: ["content"]),
                a("insertafter"), a("insertbefore"), a("create", .bool), a("backup", .bool),
                a("marker_begin"), a("marker_end"), a("append_newline", .bool), a("prepend_newline", .bool), a("validate"),
            ] + ownership, mutuallyExclusive: [["insertbefore", "insertafter"]]),
            ModuleSpec(name: "replace", arguments: [
                a("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
                a("regexp", required: true), a("replace"), a("after"), a("before"), a("backup", .bool),
                a("validate"), a("encoding"),
            ] + ownership),
            ModuleSpec(name: "stat", arguments: [
                a("path", .path, required: true, aliases: ["dest", "name"]), a("follow", .bool),
                a("get_checksum", .bool), a("get_mime", .bool, aliases: ["mime", "mime_type", "mime-type"]),
                a("get_attributes", .bool, aliases: ["attr", "attributes"]),
                a("checksum_algorithm", choices: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"], aliases: ["checksum", "checksum_algo"]),
            ]),
            ModuleSpec(name: "slurp", arguments: [a("src", .path, required: true, aliases: ["path"])]),
            ModuleSpec(name: "find", arguments: [
                a("paths", .list, required: true, aliases: ["name", "path"]), a("patterns", .list, aliases: ["pattern"]),
                a("excludes", .list, aliases: ["exclude"]), a("contains"), a("read_whole_file", .bool),
                a("file_type", choices: ["any", "directory", "file", "link"]), a("age"), a("age_stamp", choices: ["atime", "ctime", "mtime"]),
                a("size"), a("recurse", .bool), a("hidden", .bool), a("follow", .bool), a("get_checksum", .bool),
                a("checksum_algorithm", choices: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"], aliases: ["checksum", "checksum_algo"]), a("use_regex", .bool), a("depth", .int), a("mode", .raw), a("exact_mode", .bool),
                a("encoding"), a("limit", .int),
            ]),
            ModuleSpec(name: "debug", arguments: [a("msg", .raw), a("var", .raw), a("verbosity", .int)],
                       mutuallyExclusive: [["msg", "var"]]),
            ModuleSpec(name: "assert", arguments: [
                a("that", .list, required: true), a("fail_msg", .raw, aliases: ["msg"]), a("success_msg", .raw), a("quiet", .bool),
            ]),
            ModuleSpec(name: "fail", arguments: [a("msg", .raw)]),
            ModuleSpec(name: "ping", arguments: [a("data")]),
            ModuleSpec(name: "setup", arguments: [
                a("gather_subset", .list), a("gather_timeout", .int), a("filter", .list), a("fact_path", .path),
            ]),
            ModuleSpec(name: "wait_for", arguments: [
                a("host"), a("port", .int), a("path", .path), a("timeout", .int), a("connect_timeout", .int),
                a("delay", .int), a("sleep", .int), a("msg"), a("search_regex"), a("exclude_hosts", .list),
                a("active_connection_states", .list),
                a("state", choices: ["absent", "drained", "present", "started", "stopped"]),
            ], mutuallyExclusive: [["port", "path"]]),
            ModuleSpec(name: "package", arguments: [
                a("name", .list, required: true), a("state", required: false), a("use"),
            ]),
            ModuleSpec(name: "apt", arguments: [
                a("name", .list, aliases: ["package", "pkg"]),
                a("state", choices: ["absent", "build-dep", "latest", "present", "fixed"]),
                a("update_cache", .bool, aliases: ["update-cache"]), a("cache_valid_time", .int),
                a("purge", .bool), a("force", .bool), a("install_recommends", .bool, aliases: ["install-recommends"]),
                a("upgrade", choices: ["dist", "full", "no", "safe", "yes"]), a("autoremove", .bool), a("autoclean", .bool),
                a("deb", .path), a("default_release", aliases: ["default-release"]), a("only_upgrade", .bool),
                a("allow_downgrade", .bool, aliases: ["allow-downgrade", "allow_downgrades", "allow-downgrades"]),
                a("allow_unauthenticated", .bool), a("allow_change_held_packages", .bool), a("dpkg_options"),
                a("force_apt_get", .bool), a("lock_timeout", .int), a("policy_rc_d", .int), a("fail_on_autoremove", .bool),
                a("clean", .bool), a("update_cache_retries", .int), a("update_cache_retry_max_delay", .int),
            ]),
            ModuleSpec(name: "service", arguments: [
                a("name", required: true), a("state", choices: ["reloaded", "restarted", "started", "stopped"]),
                a("enabled", .bool), a("pattern"), a("sleep", .int), a("runlevel"),
                a("arguments", aliases: ["args"]), a("use"),
            ]),
            ModuleSpec(name: "systemd", arguments: [
                a("name", aliases: ["service", "unit"]), a("state", choices: ["reloaded", "restarted", "started", "stopped"]),
                a("enabled", .bool), a("force", .bool), a("masked", .bool),
                a("daemon_reload", .bool, aliases: ["daemon-reload"]), a("daemon_reexec", .bool, aliases: ["daemon-reexec"]),
                a("scope", choices: ["system", "user", "global"]), a("no_block", .bool),
            ]),
            ModuleSpec(name: "reboot", arguments: [
                a("pre_reboot_delay", .int), a("post_reboot_delay", .int), a("reboot_timeout", .int),
                a("connect_timeout", .int), a("test_command"), a("msg"), a("search_paths", .list),
                a("boot_time_command"), a("reboot_command"),
            ]),
            ModuleSpec(name: "get_url", arguments: [
                a("url", required: true), a("dest", .path, required: true), a("checksum"), a("force", .bool),
                a("backup", .bool), a("timeout", .int), a("headers", .dict), a("validate_certs", .bool),
                a("url_username", aliases: ["username"]), a("url_password", aliases: ["password"]),
                a("force_basic_auth", .bool), a("tmp_dest", .path), a("use_proxy", .bool), a("http_agent"),
                a("decompress", .bool), a("ciphers", .list), a("use_netrc", .bool), a("unredirected_headers", .list),
            ] + ownership),
            ModuleSpec(name: "unarchive", arguments: [
                a("src", .path, required: true), a("dest", .path, required: true), a("remote_src", .bool),
                a("creates", .path), a("list_files", .bool), a("keep_newer", .bool), a("extra_opts", .list),
                a("exclude", .list), a("include", .list), a("validate_certs", .bool), a("io_buffer_size", .int),
                a("decrypt", .bool), a("copy", .bool),
            ] + ownership),
            ModuleSpec(name: "user", arguments: [
                a("name", required: true, aliases: ["user"]), a("state", choices: states), a("uid", .int),
                a("group"), a("groups", .list), a("append", .bool), a("shell"), a("home", .path),
                a("create_home", .bool, aliases: ["createhome"]), a("system", .bool), a("password"),
                a("comment"), a("remove", .bool), a("move_home", .bool), a("expires"), a("password_lock", .bool),
                a("generate_ssh_key", .bool), a("ssh_key_bits", .int), a("ssh_key_type"), a("ssh_key_file", .path),
                a("ssh_key_comment"), a("update_password", choices: ["always", "on_create"]), a("non_unique", .bool),
                a("force", .bool), a("local", .bool),
            ]),
            ModuleSpec(name: "group", arguments: [
                a("name", required: true), a("state", choices: states), a("gid", .int), a("system", .bool),
                a("local", .bool), a("non_unique", .bool), a("force", .bool),
            ]),
            ModuleSpec(name: "cron", arguments: [
                a("name"), a("job", aliases: ["value"]), a("state", choices: states), a("user"),
                a("minute"), a("hour"), a("day", aliases: ["dom"]), a("month"), a("weekday", aliases: ["dow"]),
                a("special_time", choices: ["annually", "daily", "hourly", "monthly", "reboot", "weekly", "yearly"]),
                a("disabled", .bool), a("env", .bool), a("cron_file", .path), a("backup", .bool),
                a("insertafter"), a("insertbefore"),
            ]),
            ModuleSpec(name: "set_fact", arguments: [a("cacheable", .bool)], anyArguments: true),
            ModuleSpec(name: "meta", arguments: [], freeForm: true),
            ModuleSpec(name: "include_tasks", arguments: [a("file"), a("apply", .dict)], freeForm: true),
            ModuleSpec(name: "import_tasks", arguments: [a("file")], freeForm: true),
            ModuleSpec(name: "include_role", arguments: [
                a("name", required: true), a("tasks_from"), a("vars_from"), a("defaults_from"), a("handlers_from"),
                a("public", .bool), a("allow_duplicates", .bool), a("apply", .dict), a("rolespec_validate", .bool),
            ]),
            ModuleSpec(name: "import_role", arguments: [
                a("name", required: true), a("tasks_from"), a("vars_from"), a("defaults_from"), a("handlers_from"),
                a("allow_duplicates", .bool), a("rolespec_validate", .bool),
            ]),
            ModuleSpec(name: "include_vars", arguments: [
                a("file", .path), a("dir", .path), a("name"), a("depth", .int), a("files_matching"),
                a("ignore_files", .list), a("extensions", .list), a("ignore_unknown_extensions", .bool), a("hash_behaviour"),
            ], freeForm: true),
            ModuleSpec(name: "collect", arguments: [
                a("paths", .list), a("journal"), a("since"), a("max_bytes", .int),
            ], requiredOneOf: [["paths", "journal"]]),
        ]
        specs.append(ModuleSpec(name: "systemd_service", arguments: specs.first { $0.name == "systemd" }!.arguments))
        return Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
    }()

    /// `copy`, `ansible.builtin.copy` and `ansible.legacy.copy` are one module.
    public static func canonicalName(_ written: String) -> String {
        for prefix in ["ansible.builtin.", "ansible.legacy.", "drover.builtin."] where written.hasPrefix(prefix) {
            return String(written.dropFirst(prefix.count))
        }
        return written
    }

    /// Modules whose free-form argument is a command line.
    public static let commandLike: Set<String> = ["command", "shell", "raw", "script"]
}
