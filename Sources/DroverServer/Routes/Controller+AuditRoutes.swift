import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Controller {
    /// The audit log and run-to-run diffs.
    func addAuditRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/audit") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readAudit)
            let query = try QueryParameters(request, allowed: ["actor", "cursor", "limit"])
            let page = try await self.store.auditEntries(before: try query.cursor(), actor: try query.name("actor"), limit: try query.pageSize())
            return JSONResponse.make(.dict([
                "items": .list(page.entries.map { entry in
                    .dict(["id": .int(Int(entry.id)), "at": .string(entry.at), "actor": .string(entry.actor), "source": .string(entry.source),
                           "action": .string(entry.action), "details": (try? Value.parseJSON(entry.details)) ?? .string(entry.details),
                           "sha256": .string(entry.sha256)])
                }),
                "next_cursor": page.nextCursor.map { .string(Cursor.encode($0)) } ?? .null,
            ]))
        }
        router.get("/api/v1/runs/{id}/diff/{other}") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readRuns)
            let a = try PathParameter.runID(context), b = try PathParameter.runID(context, "other")
            _ = try await self.storedRun(a)
            _ = try await self.storedRun(b)
            let diff = try await self.store.diff(a, b)
            // The report `drover diff -v` prints, line by line: the same words in both places.
            return JSONResponse.make(.dict(["run_a": .int(Int(a)), "run_b": .int(Int(b)), "differs": .bool(!diff.isEmpty),
                                            "lines": .list(diff.report(verbose: true).map(Value.string))]))
        }
    }
}
