import Foundation
import Glibc

/// Who a local `drover` command acts as, in the audit log: the operating
/// system's user (commands on the controller's machine need no login; the
/// store's file permissions decide who may run them).
enum LocalActor {
    static var name: String {
        let name = getpwuid(geteuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        return "cli:" + (name ?? ProcessInfo.processInfo.environment["USER"] ?? "uid\(geteuid())")
    }

    static let source = "cli"
}
