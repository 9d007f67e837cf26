/// Which loop item of a host's task a result is: the `index`-th (from 1)
/// of `count`.
public struct LoopPosition: Sendable, Equatable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// The host's last item: the host is done with the task.
    public var isLast: Bool { index == count }
}
