import DroverSSH

/// Who the agent runs as: `become` starts it through `sudo -n`.
public struct BecomeSpec: Sendable, Hashable {
    public var user: String
    public var flags: String

    public init(user: String = "root", flags: String = "") {
        self.user = user
        self.flags = flags
    }
}

/// The shell commands that start the agent on a host.
enum AgentLaunch {
    /// Runs in the login shell of an exec channel, which the controller
    /// sends a `hello` request at once, without waiting. When the agent is
    /// cached at `~/.cache/drover/agent-SHA.sh`, the bootstrap becomes it and
    /// the agent answers that hello: one round trip. When it is not, the
    /// bootstrap reads the hello's lines away, says `need`, reads exactly the
    /// script's bytes, checks their SHA-256 and caches them before becoming
    /// the agent; the controller then sends the script and a new hello.
    static func remoteCommand(script: AgentScript, become: BecomeSpec?) -> String {
        let dir = "${XDG_CACHE_HOME:-$HOME/.cache}/drover"
        let file = "\(dir)/agent-\(script.sha256).sh"
        let fetch = "if [ ! -f \"$f\" ]; then IFS= read -r h; case $h in *' hello 1 '*) IFS= read -r h ;; esac; "
            + "echo need; umask 077; mkdir -p \"\(dir)\" "
            + "&& dd bs=\(script.bytes.count) count=1 iflag=fullblock of=\"$f.$$\" 2>/dev/null "
            + "&& [ \"$(sha256sum < \"$f.$$\" | cut -c1-64)\" = \(script.sha256) ] "
            + "&& mv -f \"$f.$$\" \"$f\" || { rm -f \"$f.$$\"; echo 'drover: cannot cache the agent in \(dir)' >&2; exit 70; }; fi; "
        return "f=\"\(file)\"; " + fetch + run(become: become, file: "\"$f\"")
    }

    /// The local agent needs no cache: it runs from the checkout or install.
    static func localArguments(script: AgentScript, become: BecomeSpec?) -> [String] {
        ["/bin/sh", "-c", run(become: become, file: shellQuote(script.path))]
    }

    /// `exec` the agent, under sudo when becoming another user. The script
    /// text goes through `sh -c` so the target user needs no access to the
    /// login user's cache. Already that user: no sudo.
    private static func run(become: BecomeSpec?, file: String) -> String {
        guard let become else { return "exec /bin/sh \(file)" }
        let user = shellQuote(become.user)
        return "if [ \"$(id -un)\" = \(user) ]; then exec /bin/sh \(file); fi; "
            + "exec sudo -n \(become.flags) -u \(user) -- /bin/sh -c \"$(cat \(file))\" drover-agent"
    }
}
