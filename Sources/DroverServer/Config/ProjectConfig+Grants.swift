extension ProjectConfig {
    /// The templates whose `grants` name this user: what an operator may launch.
    public func templatesGranted(to user: String) -> Set<String> {
        Set(templates.values.filter { $0.grants.contains(user) }.map(\.name))
    }
}
