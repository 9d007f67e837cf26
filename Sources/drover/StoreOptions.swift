import ArgumentParser
import DroverStore

/// Opens the run store (DROVER_HOME, else ~/.local/share/drover) and marks
/// runs of controllers that died as interrupted.
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
}
