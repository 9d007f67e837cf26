extension ModuleRegistry {
    /// fetch, find, wait_for, get_url, unarchive.
    static let transfer: [String: any Module] = [:]
}
