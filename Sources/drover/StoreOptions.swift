import DroverStore
import Foundation

/// Opens the run store where the environment says (`StoreLocation`), tells
/// the user when it had to be made private, and marks runs of controllers
/// that are gone as interrupted.
enum StoreOptions {
    /// The one place the command line reads the environment for the store.
    static var home: String { StoreLocation.home(environment: ProcessInfo.processInfo.environment) }

    static func open() throws -> Store {
        let store = try Store(home: home)
        noteTightened(store)
        try store.markInterruptedRuns()
        return store
    }

    /// For async commands: SQLite never blocks the cooperative pool.
    static func open() async throws -> Store {
        let store = try await Store.open(home: home)
        noteTightened(store)
        try await store.markInterruptedRuns()
        return store
    }

    /// One line on stderr, so piped output stays clean.
    private static func noteTightened(_ store: Store) {
        guard !store.tightened.isEmpty else { return }
        let blobs = store.tightened.filter { $0.hasPrefix("blobs/") }.count
        let named = store.tightened.filter { !$0.hasPrefix("blobs/") }.map { $0 == "." ? store.home : $0 }
        let list = (named + (blobs > 0 ? ["\(blobs) entries under blobs/"] : [])).joined(separator: ", ")
        FileHandle.standardError.write(Data("drover: other users could read the run store; made private (directories 0700, files 0600): \(list)\n".utf8))
    }
}
