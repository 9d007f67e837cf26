import Foundation

/// Blocking work (reading and parsing files) on a thread of its own, so
/// Swift's cooperative pool (two threads on the target machines) never
/// waits on the disk.
enum OffThePool {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
