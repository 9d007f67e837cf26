import Foundation

/// Where the run store lives, by the XDG Base Directory convention:
/// `$DROVER_HOME`, else `$XDG_DATA_HOME/drover`, else
/// `$HOME/.local/share/drover`. It is given the environment rather than
/// reading it, so the command line reads it in one place.
public enum StoreLocation {
    public static func home(environment: [String: String]) -> String {
        if let home = environment["DROVER_HOME"], !home.isEmpty { return home }
        // The spec: a relative XDG_DATA_HOME is invalid and is ignored.
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/drover" }
        // Without HOME (cron, some services), the user's home from the password database.
        let user = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return user + "/.local/share/drover"
    }
}
