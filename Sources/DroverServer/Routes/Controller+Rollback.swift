import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Controller {
    /// `POST /api/v1/runs/{id}/rollback {limit, check}`: undo a run a
    /// template launched, as a run of its own (drover rollback's rules:
    /// files changed since are refused; a check changes nothing).
    func addRollbackRoute(to router: Router<ServerContext>) {
        router.post("/api/v1/runs/{id}/rollback") { request, context in
            let id = try PathParameter.runID(context)
            let caller = try await self.gatekeeper.authorize(request, context, .rollback(run: id))
            // Typed as a launch's fields are: a mistyped one is refused, never ignored.
            let body: LaunchRequest
            do {
                body = try LaunchRequest(json: try await APIRequest.jsonObject(request, allowed: ["limit", "check"]))
            } catch let refusal as LaunchRefusal {
                throw APIError(refusal)
            }
            let run = try await self.storedRun(id)
            let limit = body.limit
            let check = body.check ?? false
            let (newID, status) = try await self.rollBack(run, limit: limit, check: check, user: caller.name)
            await self.audit(AuditAction.rollback, by: caller, from: context,
                             ["run": .int(Int(newID)), "rollback_of": .int(Int(id)), "check": .bool(check), "limit": limit.map(Value.string) ?? .null])
            var response = JSONResponse.make(.dict(["id": .int(Int(newID)), "status": .string(status.rawValue), "url": .string("/api/v1/runs/\(newID)"),
                                                    "rollback_of": .int(Int(id))]), status: .created)
            response.headers[.location] = "/api/v1/runs/\(newID)"
            return response
        }
    }

    /// Plans and queues the rollback of `run`; also how a restart re-plans a queued one.
    func rollBack(_ run: RunSummary, limit: String?, check: Bool, user: String) async throws -> (Int64, DroverCore.RunStatus) {
        guard !run.checkMode else { throw APIError(.conflict, .conflict, "run \(run.id) was a check run: it changed nothing to undo") }
        guard let launched = try await store.launch(of: run.id) else {
            throw APIError(.conflict, .conflict, "run \(run.id) was not launched by this server's templates: undo it with `drover rollback \(run.id)`")
        }
        guard let template = config.template(launched.template) else {
            throw APIError.notFound("template `\(launched.template)` (it is no longer in drover.yml)")
        }
        do {
            let prepared = try await planner.planRollback(template, undoing: run, journals: try await store.undoJournals(run.id),
                                                           limit: limit, check: check, user: user)
            return try await queue.submit(prepared)
        } catch let refusal as LaunchRefusal {
            throw APIError(refusal)
        } catch let error as InputError {
            throw APIError(.unprocessableContent, .configInvalid, "the template's inventory cannot be read: \(error.description)")
        }
    }
}
