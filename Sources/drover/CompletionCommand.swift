import ArgumentParser

/// `drover completion SHELL`: the completion script argument-parser
/// generates, which its hidden `--generate-completion-script` flag also
/// prints; a command shows up in `drover --help`.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            bash: drover completion bash > /etc/bash_completion.d/drover (or source it from ~/.bashrc). \
            zsh: drover completion zsh > "${fpath[1]}/_drover". \
            fish: drover completion fish > ~/.config/fish/completions/drover.fish.
            """
    )

    enum Shell: String, CaseIterable, ExpressibleByArgument {
        case bash, zsh, fish

        var completionShell: CompletionShell {
            switch self {
            case .bash: .bash
            case .zsh: .zsh
            case .fish: .fish
            }
        }
    }

    @Argument(help: "bash, zsh or fish.")
    var shell: Shell

    func run() {
        Output.line(Drover.completionScript(for: shell.completionShell))
    }
}
