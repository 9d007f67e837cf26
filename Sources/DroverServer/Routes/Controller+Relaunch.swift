import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Controller {
    /// `POST /api/v1/runs/{id}/relaunch`: the run's template again, with the
    /// parameters it was launched with, as the caller.
    func addRelaunchRoute(to router: Router<ServerContext>) {
        router.post("/api/v1/runs/{id}/relaunch") { request, context in
            let id = try PathParameter.runID(context)
            let caller = try await self.gatekeeper.authorize(request, context, .relaunch(run: id))
            _ = try await APIRequest.jsonObject(request, allowed: [])
            _ = try await self.storedRun(id)
            guard let launched = try await self.store.launch(of: id) else {
                throw APIError(.conflict, .conflict, "run \(id) was not launched from a template (a CLI run?): launch a template instead")
            }
            guard !launched.hasSecrets else {
                throw APIError(.conflict, .conflict, "run \(id) had secret survey answers, which are never kept: launch `\(launched.template)` again with them")
            }
            guard let template = self.config.template(launched.template) else {
                throw APIError.notFound("template `\(launched.template)` (it is no longer in drover.yml)")
            }
            guard case .dict(var parameters) = try Value.parseJSON(launched.parameters) else {
                throw APIError(.internalServerError, .internal, "run \(id)'s launch parameters are unreadable")
            }
            parameters["user"] = nil  // the relaunch is the caller's
            let (newID, status) = try await self.launch(template, parameters, user: caller.name)
            await self.audit(AuditAction.launch, by: caller, from: context,
                             Self.launchDetails(template: template.name, run: newID, parameters).merging(["relaunch_of": .int(Int(id))]) { $1 })
            var response = JSONResponse.make(.dict(["id": .int(Int(newID)), "status": .string(status.rawValue), "url": .string("/api/v1/runs/\(newID)"),
                                                    "relaunch_of": .int(Int(id))]), status: .created)
            response.headers[.location] = "/api/v1/runs/\(newID)"
            return response
        }
    }
}
