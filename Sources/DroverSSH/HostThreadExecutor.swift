import Foundation

/// A serial executor backed by one dedicated thread.
///
/// libssh is blocking and a session must stay on one thread, so every
/// `SSHConnection` actor runs on its own `HostThreadExecutor`: blocking calls
/// then never occupy Swift's cooperative pool (two threads on our machines).
final class HostThreadExecutor: SerialExecutor, @unchecked Sendable {
    /// Tells whether the thread is still alive, after the connection is gone.
    let liveness = ThreadLiveness()
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var idle: (interval: TimeInterval, action: @Sendable () -> Void)?
    private var finalAction: (@Sendable () -> Void)?
    private var stopping = false

    init(name: String) {
        // The thread keeps the executor alive until `shutdown` lets it end.
        // Linux thread names hold 15 bytes; the name shows in top/gdb/proc.
        let shortName = String(decoding: Array(name.utf8.prefix(15)), as: UTF8.self)
        liveness.set(true)
        let thread = Thread { [self] in
            Thread.current.name = shortName
            self.runLoop()
            self.liveness.set(false)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        condition.lock()
        jobs.append(unownedJob)
        condition.signal()
        condition.unlock()
    }

    /// Runs `action` on the thread whenever it has been idle for `interval`
    /// (used for SSH keepalives between tasks).
    func setIdleAction(every interval: Duration, _ action: @escaping @Sendable () -> Void) {
        condition.lock()
        idle = (interval.timeInterval, action)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once its queue is empty, running `final` on it last.
    func shutdown(finally final: @escaping @Sendable () -> Void) {
        condition.lock()
        stopping = true
        finalAction = final
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        let executor = asUnownedSerialExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping {
                guard let idle else {
                    condition.wait()
                    continue
                }
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: idle.interval))
                if !signalled && jobs.isEmpty && !stopping {
                    condition.unlock()
                    idle.action()
                    condition.lock()
                }
            }
            if jobs.isEmpty {
                let final = finalAction
                condition.unlock()
                final?()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch {
                job.runSynchronously(on: executor)
            }
        }
    }
}

/// Whether a connection's thread is running; shared with whoever holds it.
public final class ThreadLiveness: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false

    func set(_ value: Bool) { lock.withLock { running = value } }
    public var isRunning: Bool { lock.withLock { running } }
}

extension Duration {
    /// Whole milliseconds, for messages and reports.
    public var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
