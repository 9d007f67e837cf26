import DroverTestSupport
import Foundation
import Testing

/// Where the `drover` binary keeps its store, and how it treats one other
/// users can read.
@Suite("drover's store location and permissions, end to end")
struct StoreHomeCommandLineTests {
    /// Only the variables given: the tests' own DROVER_HOME must not leak in.
    static func environment(_ variables: [String: String]) -> [String: String] {
        ["PATH": "/usr/bin:/bin"].merging(variables) { $1 }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test("the store is $DROVER_HOME, else $XDG_DATA_HOME/drover, else $HOME/.local/share/drover")
    func location() async throws {
        let dir = try scratchDirectory("store-home")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func runs(_ variables: [String: String]) async throws {
            let result = try await runSeparately(droverExecutable, ["runs"], environment: Self.environment(variables))
            #expect(result.status == 0, "\(result.stderrText)")
        }
        try await runs(["HOME": "\(dir)/a"])
        #expect(Self.exists("\(dir)/a/.local/share/drover/drover.sqlite"))

        try await runs(["HOME": "\(dir)/b", "XDG_DATA_HOME": "\(dir)/b-data"])
        #expect(Self.exists("\(dir)/b-data/drover/drover.sqlite"))
        #expect(!Self.exists("\(dir)/b/.local"))

        try await runs(["HOME": "\(dir)/c", "XDG_DATA_HOME": "\(dir)/c-data", "DROVER_HOME": "\(dir)/c-drover"])
        #expect(Self.exists("\(dir)/c-drover/drover.sqlite"))
        #expect(!Self.exists("\(dir)/c-data") && !Self.exists("\(dir)/c/.local"))

        // The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
        try await runs(["HOME": "\(dir)/d", "XDG_DATA_HOME": "relative/data"])
        #expect(Self.exists("\(dir)/d/.local/share/drover/drover.sqlite"))
    }

    @Test("a store other users can read is made private, with a one-line notice on stderr naming what changed")
    func tightenNotice() async throws {
        let home = try scratchDirectory("store-loose")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = Self.environment(["DROVER_HOME": home])
        // A new store in a directory the user made (0755 here) is made private without a word: nothing was exposed.
        let new = try await runSeparately(droverExecutable, ["runs"], environment: environment)
        #expect(new.status == 0 && new.stderrText.isEmpty, "\(new.stderrText)")
        // What an older drover left behind.
        chmod(home, 0o755)
        chmod("\(home)/blobs", 0o755)
        chmod("\(home)/drover.sqlite", 0o644)

        let loose = try await runSeparately(droverExecutable, ["runs"], environment: environment)
        #expect(loose.status == 0)
        #expect(loose.stdoutText == "no recorded runs match\n")
        let lines = loose.stderrText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "\(loose.stderrText)")
        #expect(loose.stderrText.contains(home) && loose.stderrText.contains("blobs") && loose.stderrText.contains("drover.sqlite"),
                "\(loose.stderrText)")

        let again = try await runSeparately(droverExecutable, ["runs"], environment: environment)
        #expect(again.stderrText.isEmpty, "\(again.stderrText)")
    }
}
