import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Controller {
    /// Browser sessions: sign in with a password, sign out, who am I.
    func addSessionRoutes(to router: Router<ServerContext>) {
        router.post("/api/v1/login") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .login)
            let body = try await APIRequest.jsonObject(request, allowed: ["user", "password"])
            let user = try BodyField.string(body, "user", maxLength: 64)
            let password = try BodyField.string(body, "password", maxLength: 1024)
            // A name no user can have is malformed input, not a wrong answer:
            // refused before the throttle, bcrypt and the audit log see it
            // (whose actor it would otherwise become, control bytes and all).
            do throws(InputError) { try Credentials.checkUserName(user) } catch { throw BodyField.invalid("user", error) }
            let created = try await self.gatekeeper.logIn(user: user, password: password, address: context.remoteAddress?.ipAddress ?? "")
            context.logger.info("login", metadata: ["user": "\(created.session.principal.name)", "session": "\(created.session.id)"])
            var caller = Caller(name: created.session.principal.name, kind: .session, role: created.session.principal.role)
            caller.csrfToken = CSRFToken.derive(session: created.secret)
            var response = JSONResponse.make(self.json(caller, expiresAt: created.session.expiresAt))
            response.headers[.cacheControl] = "no-store"
            response.setCookie(self.gatekeeper.cookie(for: created))
            return response
        }
        router.post("/api/v1/logout") { request, context in
            let caller = try await self.gatekeeper.authorize(request, context, .signedIn)
            _ = try await APIRequest.jsonObject(request, allowed: [])
            if try await self.gatekeeper.logOut(caller) {
                await self.audit(AuditAction.logout, by: caller, from: context, ["user": .string(caller.name)])
            }
            var response = Response(status: .noContent)
            response.setCookie(self.gatekeeper.clearedCookie)
            return response
        }
        router.get("/api/v1/me") { request, context in
            let caller = try await self.gatekeeper.authorize(request, context, .signedIn)
            var response = JSONResponse.make(self.json(caller, expiresAt: nil))
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// Who a request acts for; a session's answer carries its CSRF token.
    func json(_ caller: Caller, expiresAt: Date?) -> Value {
        var fields: OrderedDictionaryOfValues = ["name": .string(caller.name), "kind": .string(caller.kind.rawValue),
                                                 "role": JSONResponse.optional(caller.role?.rawValue),
                                                 "scope": JSONResponse.optional(caller.scope?.rawValue)]
        if let csrf = caller.csrfToken { fields["csrf_token"] = .string(csrf) }
        if let expiresAt { fields["expires_at"] = JSONResponse.date(expiresAt) }
        return .dict(fields)
    }
}
