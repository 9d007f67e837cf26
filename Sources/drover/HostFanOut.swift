/// Runs `work` for each item with at most `limit` at once (Ansible's forks),
/// handing each result to `report` in the caller's task as it completes.
func fanOut<Item: Sendable, Result: Sendable>(
    _ items: [Item],
    limit: Int,
    work: @escaping @Sendable (Item) async -> Result,
    report: (Result) -> Void
) async {
    await withTaskGroup(of: Result.self) { group in
        var pending = items.makeIterator()
        for _ in 0..<min(limit, items.count) {
            if let item = pending.next() { group.addTask { await work(item) } }
        }
        for await result in group {
            report(result)
            if let item = pending.next() { group.addTask { await work(item) } }
        }
    }
}
