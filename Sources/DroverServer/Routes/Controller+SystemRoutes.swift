import DroverCore
import DroverStore
import Hummingbird
import NIOCore

extension Controller {
    func addSystemRoutes(to router: Router<ServerContext>) {
        router.get("/healthz") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .health)
            return JSONResponse.make(.dict(["status": .string("ok")]))
        }
        router.get("/metrics") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readMetrics)
            let text = try await self.metrics.scrape(store: self.store, queue: self.queue)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/api/v1/openapi.json") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .health)
            return JSONResponse.make(OpenAPIDocument.document)
        }
        router.post("/api/v1/reload") { request, context in
            let principal = try await self.gatekeeper.authorize(request, context, .reload)
            _ = try await APIRequest.jsonObject(request, allowed: [])
            return try await self.reload(by: principal, source: context.remoteAddress?.ipAddress ?? "")
        }
    }

    /// Re-reads drover.yml; an error keeps the config in force and is the answer.
    /// The audit log keeps who reloaded, from where, and what changed.
    func reload(by caller: Caller, source: String) async throws -> Response {
        let user = caller.name
        do {
            let change = try await config.reload()
            await audit(AuditAction.configReload, by: caller, source: source,
                        ["added": .list(change.added.map(Value.string)), "removed": .list(change.removed.map(Value.string)),
                         "changed": .list(change.changed.map(Value.string))])
            logger.notice("config reloaded", metadata: ["by": "\(user)", "added": "\(change.added)", "removed": "\(change.removed)",
                                                        "changed": "\(change.changed)"])
            return JSONResponse.make(.dict(["added": .list(change.added.map(Value.string)), "removed": .list(change.removed.map(Value.string)),
                                            "changed": .list(change.changed.map(Value.string))]))
        } catch let error as InputError {
            logger.warning("config reload refused; the old config stays", metadata: ["error": "\(error.description)"])
            throw APIError(.unprocessableContent, .configInvalid, "drover.yml has an error; the config in force is unchanged: \(error.description)")
        }
    }
}
