import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Controller {
    /// Users, for admins: what `drover users` does, over HTTP, audited
    /// under the caller's name.
    func addUserRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/users") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .manageUsers)
            let query = try QueryParameters(request, allowed: ["cursor", "limit"])
            let limit = try query.pageSize()
            let users = try await self.store.users(after: try query.nameCursor(), limit: limit + 1)
            let shown = users.prefix(limit)
            return JSONResponse.make(.dict(["items": .list(shown.map { self.json($0) }),
                                            "next_cursor": users.count > shown.count ? .string(Cursor.encode(name: shown.last!.name)) : .null]))
        }
        router.post("/api/v1/users") { request, context in
            let caller = try await self.gatekeeper.authorize(request, context, .manageUsers)
            let body = try await APIRequest.jsonObject(request, allowed: ["name", "password", "role"])
            let name = try BodyField.string(body, "name", maxLength: 64)
            let password = try BodyField.string(body, "password", maxLength: 1024)
            let role = try BodyField.choice(body, "role", UserRole.self)
            let account: UserAccount
            do {
                account = try await self.store.addUser(name: name, password: password, role: role ?? .operator)
            } catch let error as InputError {
                throw BodyField.invalid(error.code == .badUserName ? "name" : "password", error)
            } catch let error as StoreError {
                throw APIError(error)
            }
            await self.audit(AuditAction.userAdd, by: caller, from: context, ["user": .string(account.name), "role": .string(account.role.rawValue)])
            var response = JSONResponse.make(self.json(account), status: .created)
            response.headers[.location] = "/api/v1/users/\(account.name)"
            return response
        }
        router.patch("/api/v1/users/{name}") { request, context in
            let caller = try await self.gatekeeper.authorize(request, context, .manageUsers)
            let name = try PathParameter.name(context, "name")
            let body = try await APIRequest.jsonObject(request, allowed: ["role", "disabled", "password"])
            let role = try BodyField.choice(body, "role", UserRole.self)
            let disabled = try BodyField.bool(body, "disabled")
            let password = try BodyField.optionalString(body, "password", maxLength: 1024)
            guard var account = try await self.store.user(named: name) else { throw APIError.notFound("user `\(name)`") }
            do {
                // Checked before anything changes, so a weak password changes nothing.
                if let password { try Credentials.checkPassword(password) }
                if let role, role != account.role {
                    let before = account.role
                    account = try await self.store.setRole(name: account.name, role)
                    await self.audit(AuditAction.userRole, by: caller, from: context,
                                     ["user": .string(account.name), "role": .string(role.rawValue), "was": .string(before.rawValue)])
                }
                if let disabled, disabled != account.disabled {
                    account = try await self.store.setUserDisabled(name: account.name, disabled)
                    await self.audit(disabled ? AuditAction.userDisable : AuditAction.userEnable, by: caller, from: context,
                                     ["user": .string(account.name)])
                }
                if let password {
                    try await self.store.setPassword(name: account.name, password: password)
                    await self.audit(AuditAction.userPassword, by: caller, from: context, ["user": .string(account.name)])
                }
            } catch let error as InputError {
                throw BodyField.invalid("password", error)
            } catch let error as StoreError {
                throw APIError(error)
            }
            return JSONResponse.make(self.json(account))
        }
    }

    func json(_ user: UserAccount) -> Value {
        .dict(["name": .string(user.name), "role": .string(user.role.rawValue), "disabled": .bool(user.disabled),
               "created_at": JSONResponse.date(user.createdAt), "url": .string("/api/v1/users/\(user.name)")])
    }
}
