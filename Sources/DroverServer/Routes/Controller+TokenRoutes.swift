import DroverCore
import DroverStore
import Foundation
import Hummingbird
import OrderedCollections

extension Controller {
    /// API tokens: everyone manages their own, admins anyone's (what
    /// `drover tokens` does). A token's text is in the create response
    /// only; the store keeps its SHA-256.
    func addTokenRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/tokens") { request, context in
            // Whose tokens decides who may list them: read before the full query check.
            let owner = request.uri.queryParameters["user"].map(String.init)
            let caller = try await self.gatekeeper.authorize(request, context, .manageTokens(owner: owner))
            let query = try QueryParameters(request, allowed: ["user", "cursor", "limit"])
            let limit = try query.pageSize()
            // Without `user`: an admin sees everyone's, anyone else their own.
            let user = try query.name("user") ?? (caller.isAdmin ? nil : caller.name)
            let tokens = try await self.store.tokens(user: user, afterID: try query.cursor(), limit: limit + 1)
            let shown = tokens.prefix(limit)
            return JSONResponse.make(.dict(["items": .list(shown.map { self.json($0) }),
                                            "next_cursor": tokens.count > shown.count ? .string(Cursor.encode(shown.last!.id)) : .null]))
        }
        router.post("/api/v1/tokens") { request, context in
            // Whose token it is decides who may create it, so the body is read
            // first; its errors are answered only once the caller is known.
            let body: Result<OrderedDictionary<String, Value>, any Error>
            do { body = .success(try await APIRequest.jsonObject(request, allowed: ["user", "scope", "expires"])) } catch { body = .failure(error) }
            let owner = (try? body.get())?["user"]?.stringValue
            let caller = try await self.gatekeeper.authorize(request, context, .manageTokens(owner: owner))
            let fields = try body.get()
            let user = try BodyField.optionalString(fields, "user", maxLength: 64) ?? caller.name
            let now = self.gatekeeper.clock()
            let scope = try BodyField.choice(fields, "scope", TokenScope.self) ?? .read
            let expiresText = try BodyField.optionalString(fields, "expires", maxLength: 16) ?? "90d"
            let lifetime: TimeInterval?
            do throws(InputError) { lifetime = try TokenLifetime.parse(expiresText) } catch { throw BodyField.invalid("expires", error) }
            let created: NewAPIToken
            do {
                created = try await self.store.createToken(user: user, scope: scope, expiresAt: lifetime.map { now.addingTimeInterval($0) }, now: now)
            } catch let error as StoreError {
                throw APIError(error)
            }
            await self.audit(AuditAction.tokenCreate, by: caller, from: context,
                             ["user": .string(created.token.user), "id": .int(Int(created.token.id)), "scope": .string(scope.rawValue),
                              "expires_at": created.token.expiresAt.map { JSONResponse.date($0) } ?? .string("never")])
            guard case .dict(var json) = self.json(created.token) else { return JSONResponse.make(.null) }
            json["token"] = .string(created.secret)  // the only time it is shown
            var response = JSONResponse.make(.dict(json), status: .created)
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.delete("/api/v1/tokens/{id}") { request, context in
            let id = try PathParameter.id(context, of: "an API token")
            let caller = try await self.gatekeeper.authorize(request, context, .revokeToken(id: id))
            guard try await self.store.token(id: id) != nil else { throw APIError.notFound("API token \(id)") }
            let token = try await self.store.revokeToken(id: id, now: self.gatekeeper.clock())
            await self.audit(AuditAction.tokenRevoke, by: caller, from: context, ["user": .string(token.user), "id": .int(Int(token.id))])
            return JSONResponse.make(self.json(token))
        }
    }

    func json(_ token: APIToken) -> Value {
        .dict(["id": .int(Int(token.id)), "user": .string(token.user), "scope": .string(token.scope.rawValue),
               "state": .string(token.state(at: gatekeeper.clock())), "created_at": JSONResponse.date(token.createdAt),
               "expires_at": JSONResponse.date(token.expiresAt), "revoked_at": JSONResponse.date(token.revokedAt),
               "last_used_at": JSONResponse.date(token.lastUsedAt)])
    }
}
