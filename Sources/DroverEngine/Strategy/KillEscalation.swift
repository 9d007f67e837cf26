/// What to do about one running agent request once its run is cancelled, as
/// a pure state machine: ask the agent to TERM the command's process group,
/// KILL it when the grace period is over (or at once on a forced cancel),
/// and give up on the channel when even that brings no answer.
public struct KillEscalation: Sendable, Equatable {
    public enum Request: Sendable, Equatable {
        /// Nobody asked to stop.
        case none
        /// A cancel at `since` (the first Ctrl-C): TERM now, KILL after the grace.
        case graceful(since: ContinuousClock.Instant, grace: Duration)
        /// Stop at once (the second Ctrl-C).
        case forced(since: ContinuousClock.Instant)
    }

    public enum Action: Sendable, Equatable {
        case sendTerm
        case sendKill
        /// Close the channel: the agent kills what is left when its stdin ends.
        case abandon
    }

    /// How long a killed command may take to answer before the channel is abandoned.
    public static let answerLimit: Duration = .seconds(3)

    public private(set) var sentTerm = false
    public private(set) var sentKill = false

    public init() {}

    /// The actions due at `now`, each given once (abandon is repeated: the caller stops).
    public mutating func actions(for request: Request, now: ContinuousClock.Instant) -> [Action] {
        var due: [Action] = []
        let killAt: ContinuousClock.Instant
        switch request {
        case .none:
            return []
        case .graceful(let since, let grace):
            if !sentTerm {
                sentTerm = true
                due.append(.sendTerm)
            }
            killAt = since + grace
        case .forced(let since):
            killAt = since
        }
        if now >= killAt && !sentKill {
            sentKill = true
            due.append(.sendKill)
        }
        if sentKill && now >= killAt + Self.answerLimit { due.append(.abandon) }
        return due
    }
}
