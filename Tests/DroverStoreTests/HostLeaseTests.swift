import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// Host leases: all or nothing, one run per host, expiry, release.
@Suite("host leases")
struct HostLeaseTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A run row for leases to point at.
    static func run(_ store: Store) async throws -> Int64 {
        let recorder = try await RunRecorder.start(store: store, info: runInfo(), forwardingTo: NullObserver())
        await recorder.finish(status: .succeeded)
        return recorder.runID
    }

    static func holders(_ store: Store, now: Date = t0) async throws -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: try await store.hostLeases(now: now).map { ($0.host, $0.runID) })
    }

    @Test("a run leases every host it asks for; listing shows holder, run and times")
    func acquire() async throws {
        let temp = try TemporaryStore("lease")
        defer { temp.close() }
        let a = try await Self.run(temp.store)
        let outcome = try await temp.store.acquireHostLeases(hosts: ["web2", "web1", "web1"], run: a, holder: "alice", ttl: 60, now: Self.t0)
        #expect(outcome == .acquired(hosts: ["web1", "web2"]))
        let leases = try await temp.store.hostLeases(now: Self.t0)
        #expect(leases.map(\.host) == ["web1", "web2"])
        #expect(leases.allSatisfy {
            $0.runID == a && $0.holder == "alice" && $0.instanceID == temp.store.instanceID && $0.acquiredAt == Self.t0
                && $0.expiresAt == Self.t0.addingTimeInterval(60) && !$0.expired
        })
        #expect(try await temp.store.hostLeases(now: Self.t0.addingTimeInterval(61)).allSatisfy(\.expired))
    }

    @Test("a conflict takes nothing and says which run holds which host, who started it and since when")
    func conflict() async throws {
        let temp = try TemporaryStore("lease-conflict")
        defer { temp.close() }
        let a = try await Self.run(temp.store)
        let b = try await Self.run(temp.store)
        #expect(try await temp.store.acquireHostLeases(hosts: ["web1", "web2"], run: a, holder: "alice", ttl: 60, now: Self.t0).isAcquired)
        let later = Self.t0.addingTimeInterval(30)
        let outcome = try await temp.store.acquireHostLeases(hosts: ["web2", "web3", "web1"], run: b, holder: "bob", ttl: 60, now: later)
        #expect(outcome == .conflict([
            LeaseConflict(host: "web1", runID: a, holder: "alice", since: Self.t0, expiresAt: Self.t0.addingTimeInterval(60)),
            LeaseConflict(host: "web2", runID: a, holder: "alice", since: Self.t0, expiresAt: Self.t0.addingTimeInterval(60)),
        ]))
        let message = try #require(outcome.message)
        #expect(message.contains("web1 is held by run \(a) (started by alice)") && message.contains("drover locks release \(a) --force"))
        // web3 was free, yet not taken: all or nothing.
        #expect(try await Self.holders(temp.store) == ["web1": a, "web2": a])
        #expect(try await temp.store.hostLeases(now: later).allSatisfy { $0.expiresAt == Self.t0.addingTimeInterval(60) })
    }

    @Test("an expired lease is taken over; the same run asking again keeps its hosts and renews them")
    func expiryAndReacquire() async throws {
        let temp = try TemporaryStore("lease-expiry")
        defer { temp.close() }
        let a = try await Self.run(temp.store)
        let b = try await Self.run(temp.store)
        _ = try await temp.store.acquireHostLeases(hosts: ["web1"], run: a, holder: "alice", ttl: 60, now: Self.t0)
        let again = try await temp.store.acquireHostLeases(hosts: ["web1", "web2"], run: a, holder: "alice", ttl: 60, now: Self.t0.addingTimeInterval(50))
        #expect(again.isAcquired)
        let renewed = try await temp.store.hostLeases(now: Self.t0)
        #expect(renewed.first { $0.host == "web1" }?.acquiredAt == Self.t0)  // held since the first time
        #expect(renewed.allSatisfy { $0.expiresAt == Self.t0.addingTimeInterval(110) })
        // At its expiry the lease still holds; after it, another run takes it.
        #expect(try await !temp.store.acquireHostLeases(hosts: ["web1"], run: b, holder: "bob", ttl: 60, now: Self.t0.addingTimeInterval(110)).isAcquired)
        #expect(try await temp.store.acquireHostLeases(hosts: ["web1", "web2"], run: b, holder: "bob", ttl: 60,
                                                       now: Self.t0.addingTimeInterval(111)).isAcquired)
        #expect(try await Self.holders(temp.store) == ["web1": b, "web2": b])
    }

    @Test("renewing pushes the expiry, so a beating run keeps its hosts")
    func renew() async throws {
        let temp = try TemporaryStore("lease-renew")
        defer { temp.close() }
        let a = try await Self.run(temp.store)
        let b = try await Self.run(temp.store)
        _ = try await temp.store.acquireHostLeases(hosts: ["web1", "web2"], run: a, holder: "alice", ttl: 60, now: Self.t0)
        #expect(try await temp.store.renewHostLeases(run: a, ttl: 60, now: Self.t0.addingTimeInterval(50)) == ["web1", "web2"])
        #expect(try await !temp.store.acquireHostLeases(hosts: ["web2"], run: b, holder: "bob", ttl: 60, now: Self.t0.addingTimeInterval(100)).isAcquired)
        #expect(try await temp.store.acquireHostLeases(hosts: ["web2"], run: b, holder: "bob", ttl: 60, now: Self.t0.addingTimeInterval(111)).isAcquired)
        // The run learns it lost web2.
        #expect(try await temp.store.renewHostLeases(run: a, ttl: 60, now: Self.t0.addingTimeInterval(112)) == ["web1"])
    }

    @Test("release frees this controller's leases of the run; force release frees them whoever holds them")
    func release() async throws {
        let temp = try TemporaryStore("lease-release")
        defer { temp.close() }
        let other = try Store(home: temp.home)
        let a = try await Self.run(temp.store)
        let b = try await Self.run(temp.store)
        _ = try await other.acquireHostLeases(hosts: ["web1", "web2"], run: a, holder: "alice", ttl: 60, now: Self.t0)
        // Another controller's release does not touch them.
        #expect(try await temp.store.releaseHostLeases(run: a).isEmpty)
        #expect(try await Self.holders(temp.store).count == 2)
        let forced = try await temp.store.forceReleaseHostLeases(run: a)
        #expect(forced.map(\.host) == ["web1", "web2"] && forced.allSatisfy { $0.holder == "alice" && $0.instanceID == other.instanceID })
        #expect(try await temp.store.hostLeases(now: Self.t0).isEmpty)
        #expect(try await temp.store.acquireHostLeases(hosts: ["web1"], run: b, holder: "bob", ttl: 60, now: Self.t0).isAcquired)
        #expect(try await temp.store.releaseHostLeases(run: b) == ["web1"])
        #expect(try await temp.store.hostLeases(now: Self.t0).isEmpty)
    }

    @Test("two controllers on one file racing for overlapping hosts: no host is ever held by two runs")
    func race() async throws {
        let temp = try TemporaryStore("lease-race")
        defer { temp.close() }
        let second = try Store(home: temp.home)
        let stores = [temp.store, second]
        var runs: [Int64] = []
        for i in 0..<16 { runs.append(try await Self.run(stores[i % 2])) }
        // Run i wants hosts i…i+3 of 12: each overlaps its neighbours'.
        let wanted = runs.indices.map { i in (0..<4).map { "h\((i + $0) % 12)" } }
        let outcomes = try await withThrowingTaskGroup(of: (Int, LeaseOutcome).self) { group in
            for (i, run) in runs.enumerated() {
                group.addTask {
                    (i, try await stores[i % 2].acquireHostLeases(hosts: wanted[i], run: run, holder: "user\(i)", ttl: 600, now: Self.t0))
                }
            }
            var all: [Int: LeaseOutcome] = [:]
            for try await (i, outcome) in group { all[i] = outcome }
            return all
        }
        let holders = try await Self.holders(temp.store)
        let winners = outcomes.filter { $0.value.isAcquired }.map(\.key)
        #expect(!winners.isEmpty)
        // Every winner holds all its hosts; no host is claimed by two winners; losers hold nothing.
        var claimed: [String: Int] = [:]
        for i in winners {
            for host in wanted[i] {
                #expect(claimed[host] == nil, "\(host) won by runs \(claimed[host] ?? -1) and \(i)")
                claimed[host] = i
                #expect(holders[host] == runs[i])
            }
        }
        #expect(Set(holders.values).isSubset(of: Set(winners.map { runs[$0] })))
        #expect(holders.count == claimed.count)
        for (i, outcome) in outcomes where !outcome.isAcquired {
            guard case .conflict(let conflicts) = outcome else { continue }
            #expect(!conflicts.isEmpty && conflicts.allSatisfy { wanted[i].contains($0.host) && $0.runID != runs[i] })
        }
    }
}
