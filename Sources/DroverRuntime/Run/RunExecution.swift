import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// One run from its leases to its last event (RunService's worker).
struct RunExecution: Sendable {
    let request: RunRequest
    let recorder: RunRecorder
    let publisher: EventPublisher
    let service: RunService

    var runID: Int64 { recorder.runID }
    var store: Store { service.store }

    func run() async -> RunOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = RunOutcome(runID: runID, status: .failed, recap: nil, duration: .zero, failure: nil)
        let hosts = request.options.checkMode ? [] : targetHosts()
        if !hosts.isEmpty, let refusal = await lease(hosts) {
            outcome.failure = refusal
            await publisher.publishOnly(.message("ERROR! \(refusal)"))
        } else {
            let heartbeat = hosts.isEmpty ? nil : renewLeases()
            outcome = await engine(outcome)
            heartbeat?.cancel()
            if !hosts.isEmpty { _ = try? await store.releaseHostLeases(run: runID) }
        }
        if request.options.cancellation.isCancelled && outcome.failure == nil { outcome.status = .cancelled }
        outcome.duration = clock.now - start
        await recorder.finish(status: outcome.status, recap: outcome.recap)
        outcome.recording = RecordingCost(results: await recorder.recordedResults, transactions: await recorder.transactions,
                                          writeTime: await recorder.writeTime)
        await publisher.finish(status: outcome.status, recap: outcome.recap, duration: outcome.duration)
        return outcome
    }

    private func engine(_ base: RunOutcome) async -> RunOutcome {
        switch request.work {
        case .playbook(let playbook): return await play(playbook, base)
        case .rollback(let work): return await rollBack(work, base)
        }
    }

    private func play(_ playbook: Playbook, _ base: RunOutcome) async -> RunOutcome {
        var outcome = base
        let runner = PlaybookRunner(playbook: playbook, inventory: request.inventory, options: request.options,
                                    connector: request.connector, script: request.script, observer: recorder)
        do {
            let recap = try await runner.run()
            outcome.recap = recap
            outcome.status = recap.exitCode == 0 ? .succeeded : .failed
        } catch let error as InputError {
            outcome.failure = error.description
            await publisher.publishOnly(.message("ERROR! \(error.description)"))
        } catch {
            outcome.failure = "\(error)"
            await publisher.publishOnly(.message("ERROR! \(error)"))
        }
        return outcome
    }

    private func rollBack(_ work: RollbackWork, _ base: RunOutcome) async -> RunOutcome {
        var outcome = base
        var runner = RollbackRunner(journals: work.journals, inventory: request.inventory, connector: request.connector,
                                    script: request.script, observer: recorder,
                                    title: "rollback of run \(work.undoing)\(request.options.checkMode ? " (check)" : "")")
        runner.checkMode = request.options.checkMode
        runner.force = work.force
        runner.forks = request.options.forks
        runner.cancellation = request.options.cancellation
        runner.controllerAccess = request.options.controllerAccess
        let recap = await runner.run()
        outcome.recap = recap
        outcome.status = recap.status
        if !request.options.checkMode && recap.exitCode == 0 && work.wholeRun && outcome.status == .succeeded {
            try? await store.markRolledBack(work.undoing, by: runID)
        }
        return outcome
    }

    /// Every host the run may change: its plays' patterns (limited), or
    /// the hosts of the journals it undoes.
    private func targetHosts() -> [String] {
        let playbook: Playbook
        switch request.work {
        case .playbook(let played): playbook = played
        case .rollback(let work): return work.journals.keys.sorted()
        }
        var hosts = Set<String>()
        for play in playbook.plays {
            guard var selected = try? HostPattern.resolve(play.hosts, in: request.inventory) else { continue }
            if let limit = request.options.limit { selected = selected.filter(limit.contains) }
            hosts.formUnion(selected)
        }
        return hosts.sorted()
    }

    /// Takes the leases, waiting as the request allows; nil when taken,
    /// else what to tell the user.
    private func lease(_ hosts: [String]) async -> String? {
        let clock = ContinuousClock()
        let deadline: ContinuousClock.Instant? = {
            if case .wait(let limit) = request.locking { return clock.now + limit }
            return nil
        }()
        var announced = false
        while true {
            let outcome: LeaseOutcome
            do {
                outcome = try await store.acquireHostLeases(hosts: hosts, run: runID, holder: request.info.user,
                                                            ttl: service.leaseSeconds)
            } catch {
                return "cannot lease the run's hosts in the store: \(error)"
            }
            guard case .conflict = outcome, let message = outcome.message else { return nil }
            guard let deadline, clock.now < deadline, !request.options.cancellation.isCancelled else {
                return "hosts are locked by another run; nothing was changed:\n" + message
            }
            if !announced {
                await publisher.message("waiting for hosts held by another run:\n" + message)
                announced = true
            }
            try? await Swift.Task.sleep(for: .milliseconds(500))
        }
    }

    /// Keeps the leases alive while the run goes on.
    private func renewLeases() -> Swift.Task<Void, Never> {
        let store = self.store, run = runID, ttl = service.leaseTTL, seconds = service.leaseSeconds
        return Swift.Task {
            while !Swift.Task.isCancelled {
                try? await Swift.Task.sleep(for: ttl / 3)
                guard !Swift.Task.isCancelled else { return }
                _ = try? await store.renewHostLeases(run: run, ttl: seconds)
            }
        }
    }
}
