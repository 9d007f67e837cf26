import Dispatch
import DroverEngine
import Foundation

/// SIGINT and SIGTERM while a run is going: the first asks the run to stop
/// (running commands get the grace period), the second stops it at once.
/// Dispatch sources see the signals instead of the default handler, so the
/// process lives on to record what happened.
final class InterruptSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(cancelling cancellation: RunCancellation, announce: @escaping @Sendable (String) -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                cancellation.cancel()
                announce(cancellation.isForced
                         ? "stopping now: killing what still runs"
                         : "cancelling: running commands get \(cancellation.grace.milliseconds / 1000) s to stop (Ctrl-C again to stop at once)")
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Back to the default handlers once the run is over.
    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
