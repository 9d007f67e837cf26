@testable import DroverEngine
import DroverCore
import Testing

/// Package and service changes become the commands that put them back.
@Suite("Undo hints")
struct UndoHintTests {
    @Test("installed packages are removed, upgraded or removed ones get their previous version back")
    func packages() {
        let hint: Value = .dict(["kind": .string("package"), "manager": .string("apt"), "packages": .list([
            .dict(["name": .string("new-pkg"), "previous_version": .null]),
            .dict(["name": .string("old-pkg"), "previous_version": .string("1.0-1")]),
        ])])
        #expect(UndoHint.entries(hint) == [.undoCommand(
            "DEBIAN_FRONTEND=noninteractive apt-get -y -q remove new-pkg && "
            + "DEBIAN_FRONTEND=noninteractive apt-get -y -q --allow-downgrades install old-pkg=1.0-1")])
        #expect(UndoHint.entries(.dict(["kind": .string("package"), "manager": .string("dnf")]))
            == [.irreversible(description: "package change (dnf)")])
    }

    @Test("a service goes back to its previous enablement and running state", arguments: [
        ("systemd", "systemctl disable nginx && systemctl stop nginx"),
        ("sysv", "update-rc.d nginx disable && service nginx stop"),
        ("openrc", "rc-update del nginx && rc-service nginx stop"),
    ])
    func services(manager: String, expected: String) {
        let hint: Value = .dict(["kind": .string("service"), "name": .string("nginx"), "manager": .string(manager),
                                 "previous_enabled": .bool(false), "previous_state": .string("stopped")])
        #expect(UndoHint.entries(hint) == [.undoCommand(expected)])
    }
}
