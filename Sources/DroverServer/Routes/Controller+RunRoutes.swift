import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Controller {
    func addRunRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/runs") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readRuns)
            let query = try QueryParameters(request, allowed: ["status", "template", "host", "since", "until", "cursor", "limit"])
            var page = RunPageQuery()
            page.status = try query.choice("status", RunStatus.self)
            page.template = try query.name("template")
            page.host = try query.name("host")
            page.since = try query.date("since")
            page.until = try query.date("until")
            page.beforeID = try query.cursor()
            page.limit = try query.pageSize() + 1  // one more tells whether a next page exists
            let runs = try await self.store.runPage(page)
            let shown = runs.prefix(page.limit - 1)
            return JSONResponse.make(.dict(["items": .list(shown.map { self.json($0) }),
                                            "next_cursor": runs.count > shown.count ? .string(Cursor.encode(shown.last!.id)) : .null]))
        }
        router.get("/api/v1/runs/{id}") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readRuns)
            let id = try PathParameter.runID(context)
            let run = try await self.storedRun(id)
            var detail = self.json(run)
            if case .dict(var fields) = detail {
                var hosts: [Value] = []
                for (host, stats) in try await self.store.recap(id) {
                    guard case .dict(var entry) = RunEventJSON.stats(stats) else { continue }
                    entry["host"] = .string(host)
                    hosts.append(.dict(entry))
                }
                fields["host_stats"] = .list(hosts)
                detail = .dict(fields)
            }
            return JSONResponse.make(detail)
        }
        router.post("/api/v1/runs/{id}/cancel") { request, context in
            let id = try PathParameter.runID(context)
            let principal = try await self.gatekeeper.authorize(request, context, .cancel(run: id))
            _ = try await APIRequest.jsonObject(request, allowed: [])
            let run = try await self.storedRun(id)
            guard try await self.queue.cancel(id) else {
                if run.status.isFinal { throw APIError(.conflict, .conflict, "run \(id) already ended (\(run.status.rawValue))") }
                throw APIError(.conflict, .conflict, "run \(id) is not run by this server (a CLI run?): cancel it where it runs")
            }
            context.logger.info("cancel", metadata: ["run": "\(id)", "by": "\(principal.name)"])
            await self.audit(AuditAction.cancel, by: principal, from: context, ["run": .int(Int(id))])
            return JSONResponse.make(.dict(["id": .int(Int(id)), "status": .string("cancelling"), "url": .string("/api/v1/runs/\(id)")]),
                                     status: .accepted)
        }
    }

    /// The stored run, or 404.
    func storedRun(_ id: Int64) async throws -> RunSummary {
        do {
            return try await store.run(id)
        } catch let error as StoreError where error.code == .notFound {
            throw APIError.notFound("run \(id)")
        }
    }

    func json(_ run: RunSummary) -> Value {
        let extraVars = (try? Value.parseJSON(run.extraVars)) ?? .dict([:])
        return .dict([
            "id": .int(Int(run.id)), "kind": .string(run.kind.rawValue), "template": JSONResponse.optional(run.template),
            "playbook": .string(run.playbook), "status": .string(run.status.rawValue), "check": .bool(run.checkMode),
            "user": .string(run.user), "limit": JSONResponse.optional(run.limit), "extra_vars": extraVars,
            "started_at": JSONResponse.date(run.startedAt), "ended_at": JSONResponse.date(run.endedAt),
            "hosts": .int(run.hosts), "failed_hosts": .int(run.failedHosts), "changed_tasks": .int(run.changedTasks),
            "parent_run_id": run.parentRunID.map { .int(Int($0)) } ?? .null,
            "url": .string("/api/v1/runs/\(run.id)"), "events_url": .string("/api/v1/runs/\(run.id)/events"),
        ])
    }
}
