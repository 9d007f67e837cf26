import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Controller {
    func addHostRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/hosts") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readHosts)
            let query = try QueryParameters(request, allowed: ["cursor", "limit"])
            let limit = try query.pageSize()
            let after = try query.nameCursor()
            let hosts = try await self.store.hostPage(afterName: after, limit: limit + 1)  // one more tells whether a next page exists
            let shown = hosts.prefix(limit)
            return JSONResponse.make(.dict(["items": .list(shown.map { self.json($0) }),
                                            "next_cursor": hosts.count > shown.count ? .string(Cursor.encode(name: shown.last!.name)) : .null]))
        }
        router.get("/api/v1/hosts/{name}") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readHosts)
            let name = try PathParameter.name(context, "name")
            guard let host = try await self.store.host(name) else { throw APIError.notFound("host `\(name)` (no run has reached it)") }
            guard case .dict(var detail) = self.json(host.summary) else { return JSONResponse.make(.null) }
            detail["last_runs"] = .list(host.lastRuns.map { run in
                .dict(["template": JSONResponse.optional(run.template), "run": .int(Int(run.runID)), "status": .string(run.status.rawValue),
                       "started_at": JSONResponse.date(run.startedAt), "url": .string("/api/v1/runs/\(run.runID)")])
            })
            detail["facts"] = host.factsJSON.flatMap { try? Value.parseJSON($0) } ?? .null
            detail["locked_by"] = host.lease.map { lease in
                .dict(["run": .int(Int(lease.runID)), "holder": .string(lease.holder), "since": JSONResponse.date(lease.acquiredAt)])
            } ?? .null
            return JSONResponse.make(.dict(detail))
        }
        router.get("/api/v1/hosts/{name}/runs") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readHosts)
            let name = try PathParameter.name(context, "name")
            let query = try QueryParameters(request, allowed: ["cursor", "limit"])
            var page = RunPageQuery()
            page.host = name
            page.beforeID = try query.cursor()
            page.limit = try query.pageSize() + 1
            let runs = try await self.store.runPage(page)
            // As for the host's own page: one that no run reached is not found (not an empty list).
            if runs.isEmpty, try await !self.store.hostExists(name) { throw APIError.notFound("host `\(name)` (no run has reached it)") }
            let shown = runs.prefix(page.limit - 1)
            return JSONResponse.make(.dict(["items": .list(shown.map { self.json($0) }),
                                            "next_cursor": runs.count > shown.count ? .string(Cursor.encode(shown.last!.id)) : .null]))
        }
    }

    func json(_ host: HostOverview) -> Value {
        .dict(["name": .string(host.name), "runs": .int(host.runs), "last_run": .int(Int(host.lastRunID)),
               "last_status": .string(host.lastRunStatus.rawValue), "last_started_at": JSONResponse.date(host.lastRunStartedAt),
               "url": .string("/api/v1/hosts/\(host.name)")])
    }
}
