/// The handler decisions of one flush, as a pure state machine. Handlers
/// run in the order they are defined (not the order of notification), each
/// on the active hosts that notified one of its names (its name, a `listen`
/// topic, or `role : name`), once per notification. A notification belongs
/// to every handler it names: one topic runs all the handlers listening to
/// it.
///
/// A handler may notify others while it runs. One defined later still runs
/// in this pass; one defined earlier runs in a further pass. Passes stop when
/// nothing is pending, or after `maxPasses` (handlers that notify each other
/// in a circle).
public struct HandlerFlush: Sendable {
    public enum Step: Sendable, Equatable {
        case run(handler: Int, hosts: [String])
        case finished
    }

    public static let maxPasses = 10

    /// Each handler's names, in definition order.
    public let handlerNames: [Set<String>]
    public private(set) var pass = 0
    private var position = 0
    /// Hosts each handler still has to run on.
    private var pending: [Set<String>]

    public init(handlerNames: [Set<String>]) {
        self.handlerNames = handlerNames
        pending = Array(repeating: [], count: handlerNames.count)
    }

    /// `host` notified `names`: every handler answering to one of them is
    /// pending on it. Names no handler answers to are dropped.
    public mutating func notify(_ host: String, _ names: some Sequence<String>) {
        let names = Set(names)
        for index in handlerNames.indices where !handlerNames[index].isDisjoint(with: names) {
            pending[index].insert(host)
        }
    }

    /// The next handler to run and its hosts (in batch order), among the
    /// hosts still `active`; the hosts it names are no longer pending for it.
    public mutating func next(hosts: [String], active: Set<String>) -> Step {
        while pass < Self.maxPasses {
            if position == 0, !pending.contains(where: { !$0.isDisjoint(with: active) }) { return .finished }
            while position < handlerNames.count {
                let index = position
                position += 1
                let targets = hosts.filter { active.contains($0) && pending[index].contains($0) }
                if !targets.isEmpty {
                    pending[index].subtract(targets)
                    return .run(handler: index, hosts: targets)
                }
            }
            position = 0
            pass += 1
        }
        return .finished
    }
}
