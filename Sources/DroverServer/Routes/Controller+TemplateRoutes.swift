import DroverCore
import DroverStore
import Foundation
import Hummingbird
import OrderedCollections

extension Controller {
    func addTemplateRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/templates") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readTemplates)
            let query = try QueryParameters(request, allowed: ["cursor", "limit"])
            // Templates are few and named: the cursor is the last name of the page before.
            let after = try query.nameCursor()
            let size = try query.pageSize()
            let names = self.config.config.templates.keys.sorted().filter { after == nil || $0 > after! }
            let page = names.prefix(size).compactMap { self.config.template($0) }
            return JSONResponse.make(.dict(["items": .list(page.map { self.json($0) }),
                                            "next_cursor": names.count > size ? .string(Cursor.encode(name: page.last!.name)) : .null]))
        }
        router.get("/api/v1/templates/{name}") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readTemplates)
            let name = try PathParameter.name(context, "name")
            guard let template = self.config.template(name) else { throw APIError.notFound("template `\(name)`") }
            return JSONResponse.make(self.json(template))
        }
        router.post("/api/v1/templates/{name}/launch") { request, context in
            let name = try PathParameter.name(context, "name")
            let principal = try await self.gatekeeper.authorize(request, context, .launch(template: name))
            guard let template = self.config.template(name) else { throw APIError.notFound("template `\(name)`") }
            let body = try await APIRequest.jsonObject(request, allowed: LaunchRequest.fields)
            let (id, status) = try await self.launch(template, body, user: principal.name)
            context.logger.info("launch", metadata: ["template": "\(name)", "run": "\(id)", "by": "\(principal.name)"])
            await self.audit(AuditAction.launch, by: principal, from: context, Self.launchDetails(template: name, run: id, body))
            var response = JSONResponse.make(.dict(["id": .int(Int(id)), "status": .string(status.rawValue), "url": .string("/api/v1/runs/\(id)")]),
                                             status: .created)
            response.headers[.location] = "/api/v1/runs/\(id)"
            return response
        }
    }

    func launch(_ template: JobTemplate, _ body: OrderedDictionary<String, Value>, user: String) async throws -> (Int64, DroverCore.RunStatus) {
        do {
            let launch = try LaunchRequest(json: body)
            return try await queue.submit(try await planner.plan(template, launch, user: user))
        } catch let refusal as LaunchRefusal {
            throw APIError(refusal)
        } catch let error as InputError {
            throw APIError(.unprocessableContent, .configInvalid, "the template cannot run as its files are now: \(error.description)")
        }
    }

    func json(_ template: JobTemplate) -> Value {
        let project = config.directory + "/"
        func relative(_ path: String) -> Value { .string(path.hasPrefix(project) ? String(path.dropFirst(project.count)) : path) }
        return .dict([
            "name": .string(template.name), "playbook": relative(template.playbook), "inventory": .list(template.inventory.map(relative)),
            "limit": JSONResponse.optional(template.limit),
            // Only the names: values set in drover.yml may be credentials.
            "extra_vars": .list(template.extraVars.keys.map(Value.string)),
            "forks": template.forks.map { .int($0) } ?? .null, "check": .bool(template.checkAllowed),
            "tags": .list(template.tags.map(Value.string)),
            "survey": .list(template.survey.map(json)),
            "overridable": .list(LaunchField.allCases.filter(template.overridable.contains).map { .string($0.rawValue) }),
            "concurrency": .string(template.concurrency.rawValue),
            "lock_wait": template.lockWait.map { .int(Int($0.components.seconds)) } ?? .null,
            "timeout": template.timeout.map { .int(Int($0.components.seconds)) } ?? .null,
            "grants": .list(template.grants.map(Value.string)),
            "launch_url": .string("/api/v1/templates/\(template.name)/launch"),
        ])
    }

    func json(_ field: SurveyField) -> Value {
        .dict(["name": .string(field.name), "type": .string(field.kind.rawValue), "description": JSONResponse.optional(field.description),
               "required": .bool(field.required), "default": field.defaultValue ?? .null, "min": field.min.map { .int($0) } ?? .null,
               "max": field.max.map { .int($0) } ?? .null, "regex": JSONResponse.optional(field.regex),
               "choices": .list(field.choices.map(Value.string))])
    }
}
