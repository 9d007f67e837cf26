extension ModuleRegistry {
    /// package, apt, service, systemd, user, group, cron, reboot.
    static let system: [String: any Module] = [:]
}
