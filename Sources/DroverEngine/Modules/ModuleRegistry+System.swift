extension ModuleRegistry {
    /// package, apt, service, systemd, user, group, cron, reboot.
    static let system: [String: any Module] = [
        "package": PackageModule(),
        "apt": AptModule(),
        "service": ServiceModule(),
        "systemd": SystemdModule(),
        "systemd_service": SystemdModule(),
        "user": UserModule(),
        "group": GroupModule(),
        "cron": CronModule(),
        "reboot": RebootModule(),
    ]
}
