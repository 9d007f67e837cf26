import ArgumentParser
import DroverStore

/// Opens the run store (DROVER_HOME, else ~/.local/share/drover) and marks
/// runs of controllers that are gone as interrupted.
enum StoreOptions {
    static func open() throws -> Store {
        do {
            let store = try Store()
            try store.markInterruptedRuns()
            return store
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
    }

    /// For async commands: SQLite never blocks the cooperative pool.
    static func open() async throws -> Store {
        do {
            let store = try await Store.open()
            try await store.markInterruptedRuns()
            return store
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
    }
}
