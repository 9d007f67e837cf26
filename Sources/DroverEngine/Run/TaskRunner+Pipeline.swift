import DroverCore
import Foundation
import OrderedCollections

extension TaskRunner {
    /// A loop's items at once, their requests in one batch (`LoopPipelining`
    /// admitted the task), their reports handed on in item order.
    static func runPipelined(_ inv: TaskInvocation, items: [Value], loopControl: OrderedDictionary<String, Value>,
                             loopVar: String) async -> [HostTaskResult] {
        guard !inv.options.cancellation.isCancelled else { return [] }
        let batch = PipelineBatch(count: items.count)
        let reports = ReportBuffer()
        let outcomes = await withTaskGroup(of: (Int, HostTaskResult).self) { group in
            for index in items.indices {
                var (itemInvocation, vars, label) = itemRun(inv, index: index, items: items, current: inv.variables,
                                                            loopControl: loopControl, loopVar: loopVar)
                itemInvocation.pipeline = batch
                itemInvocation.reportBuffer = reports
                group.addTask {
                    let one = await runItem(itemInvocation, variables: vars, label: label)
                    batch.finished(index: index)
                    return (index, one)
                }
            }
            var outcomes = [HostTaskResult?](repeating: nil, count: items.count)
            for await (index, one) in group { outcomes[index] = one }
            return outcomes.compactMap { $0 }
        }
        // The batch was one round trip, paid by its first item.
        for index in batch.batchedItems.dropFirst() { reports.adjust(index: index) { $0.roundTrips -= 1 } }
        for report in reports.inItemOrder() { await inv.observer.hostReported(report) }
        return outcomes
    }
}

/// A pipelined loop's reports, held until every item has ended, then
/// handed on in item order (as a loop run one item at a time reports).
final class ReportBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [(index: Int, report: HostTaskReport)] = []

    func add(_ report: HostTaskReport) {
        lock.withLock { reports.append(((report.loop?.index ?? 0), report)) }
    }

    /// Changes the reports of item `index` (0-based).
    func adjust(index: Int, _ change: (inout HostTaskReport) -> Void) {
        lock.withLock {
            for i in reports.indices where reports[i].index == index + 1 { change(&reports[i].report) }
        }
    }

    func inItemOrder() -> [HostTaskReport] {
        // Stable: an item's own reports keep their order.
        lock.withLock { reports.enumerated().sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }.map(\.element.report) }
    }
}
