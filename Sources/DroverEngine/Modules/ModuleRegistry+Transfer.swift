extension ModuleRegistry {
    /// fetch, find, wait_for, get_url, unarchive.
    static let transfer: [String: any Module] = [
        "fetch": FetchModule(),
        "find": FindModule(),
        "wait_for": WaitForModule(),
        "get_url": GetURLModule(),
        "unarchive": UnarchiveModule(),
    ]
}
