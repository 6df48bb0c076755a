import Foundation
import HTTPTypes
import Hummingbird
import RapportCore
import RapportStore

/// `/api/v1/users`, `teams`, `tags`, `custom-fields`, `api-tokens`, `workspace`, `search`.
struct SettingsAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("users") { _, context in
            let users = try await store.users.list(by: try context.requireActor())
            return try Handlers.json(ListResponse(data: users.map(UserBody.init), nextCursor: nil))
        }
        group.post("users") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let actor = try context.requireActor()
                let new = UserRepository.NewUser(
                    email: body.string("email"), name: body.string("name"), password: body.string("password"),
                    role: body.enumValue("role") ?? .salesRep, teamID: body.id("teamId"), locale: body.enumValue("locale"),
                    extension: body.string("extension"))
                if !body.has("password") { body.issues.add("password", .required) }
                try body.finish()
                return UserBody(try await store.users.create(new, by: actor, workspace: actor.workspaceID))
            }
        }
        group.get("users/{id}") { _, context in
            try Handlers.json(UserBody(try await store.users.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("users/{id}") { request, context in
            let actor = try context.requireActor()
            let id: User.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            var change = UserRepository.UserChange()
            change.name = body.string("name")
            change.role = body.enumValue("role")
            change.teamID = body.editID("teamId")
            change.isActive = body.bool("active")
            change.locale = body.edit("locale") { $0.enumValue($1) }
            change.extension = body.editString("extension")
            try body.finish()
            let requested = change
            let user = try await withCurrentOnConflict(current: { UserBody(try await store.users.get(id, by: actor)) }) {
                try await store.users.update(id, requested, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(UserBody(user))
        }
        group.get("teams") { _, context in
            let teams = try await store.users.teams(by: try context.requireActor())
            return try Handlers.json(ListResponse(data: teams.map(TeamBody.init), nextCursor: nil))
        }
        group.post("teams") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let name = body.string("name")
                try body.finish()
                return TeamBody(try await store.users.createTeam(name: name, by: try context.requireActor()))
            }
        }
        group.get("tags") { _, context in
            let tags = try await store.workspaces.tags(by: try context.requireActor())
            return try Handlers.json(ListResponse(data: tags.map(TagBody.init), nextCursor: nil))
        }
        group.post("tags") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let name = body.string("name")
                let color = body.string("color")
                try body.finish()
                return TagBody(try await store.workspaces.createTag(name: name, color: color, by: try context.requireActor()))
            }
        }
        group.get("custom-fields") { request, context in
            var entity: RecordKind?
            if let raw = formQuery(request)["entity"] {
                guard let kind = RecordKind(rawValue: raw), CustomFieldDefinition.entities.contains(kind) else {
                    throw ValidationError("entity", .invalidOption, ["options": "contact, company, deal"])
                }
                entity = kind
            }
            let fields = try await store.workspaces.customFields(entity: entity, by: try context.requireActor())
            return try Handlers.json(ListResponse(data: fields.map(CustomFieldBody.init), nextCursor: nil))
        }
        group.post("custom-fields") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let entity: RecordKind? = body.enumValue("entity")
                let kind: CustomFieldKind? = body.enumValue("kind")
                let key = body.string("key")
                let label = body.string("label")
                let options = body.stringArray("options") ?? []
                let required = body.bool("required") ?? false
                if entity == nil, !body.has("entity") { body.issues.add("entity", .required) }
                if kind == nil, !body.has("kind") { body.issues.add("kind", .required) }
                try body.finish()
                guard let entity, let kind else { throw ValidationError("entity", .required) }
                return CustomFieldBody(
                    try await store.workspaces.createCustomField(
                        entity: entity, key: key, label: label, kind: kind, options: options, required: required,
                        by: try context.requireActor()))
            }
        }
        group.get("api-tokens") { _, context in
            let tokens = try await store.auth.tokens(by: try context.requireActor())
            return try Handlers.json(ListResponse(data: tokens.map { TokenBody($0) }, nextCursor: nil))
        }
        group.post("api-tokens") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let actor = try context.requireActor()
                let name = body.string("name")
                let user: User.ID = body.id("userId") ?? actor.userID
                try body.finish()
                let (secret, info) = try await store.auth.createToken(for: user, name: name, by: actor)
                return TokenBody(info, secret: secret)
            }
        }
        group.delete("api-tokens/{id}") { _, context in
            guard let id = context.parameters.get("id"), UUIDv7.isWellFormed(id) else { throw APIError.notFound }
            return try Handlers.json(TokenBody(try await store.auth.revokeToken(id.lowercased(), by: try context.requireActor())))
        }
        group.get("workspace") { _, context in
            try Handlers.json(WorkspaceBody(try await store.workspaces.get(by: try context.requireActor())))
        }
        group.patch("workspace") { request, context in
            var body = try await BodyReader.read(request, context: context)
            let name = body.string("name")
            let timeZone = body.string("timeZone")
            let currency = body.string("currency")
            let locale: AppLocale? = body.enumValue("locale")
            let region: PhoneRegion? = body.enumValue("phoneRegion")
            try body.finish()
            let workspace = try await store.workspaces.update(
                name: name, timeZone: timeZone, currency: currency, locale: locale, phoneRegion: region, by: try context.requireActor())
            return try Handlers.json(WorkspaceBody(workspace))
        }
        group.get("search") { request, context in
            let query = try Handlers.listQuery(request)
            guard let text = query.search else { throw ValidationError("q", .required) }
            let limit = formQuery(request)["limit"] == nil ? 10 : query.limit
            let results = try await store.search.search(text, limit: limit, by: try context.requireActor())
            return try Handlers.json(
                SearchBody(
                    contacts: results.contacts.map(ContactBody.init), companies: results.companies.map(CompanyBody.init),
                    deals: results.deals.map(DealBody.init)))
        }
        group.get("session") { _, context in
            let actor = try context.requireActor()
            let user = try await store.users.get(actor.userID, by: actor)
            let workspace = try await store.workspaces.get(by: actor)
            var csrf: String?
            if case .session(_, let token) = context.authentication { csrf = token }
            return try Handlers.json(
                SessionBody(user: UserBody(user), workspace: WorkspaceBody(workspace), csrfToken: csrf, expiresAt: nil))
        }
        group.delete("session") { _, context in
            if case .session(let token, _) = context.authentication { try await store.auth.signOut(token: token) }
            var response = Handlers.noContent
            response.setCookie(
                Cookie(name: AuthMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: false, httpOnly: true, sameSite: .lax))
            return response
        }
    }
}

/// Routes that need no signed-in user: sign-in and first-run setup.
struct PublicAPI {
    let handlers: Handlers
    /// Mark the session cookie `Secure` (when served over HTTPS, directly or behind a proxy).
    let secureCookies: Bool
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("session") { request, context in
            var body = try await BodyReader.read(request, context: context)
            let email = body.string("email")
            let password = body.string("password")
            if email == nil { body.issues.add("email", .required) }
            if password == nil { body.issues.add("password", .required) }
            try body.finish()
            let forwardedHTTPS = request.headers[.forwardedProto] == "https"
            let session = try await store.auth.signIn(email: email ?? "", password: password ?? "", clientAddress: context.clientAddress)
            let workspace = try await store.workspaces.get(by: session.user.actor)
            var response = try Handlers.json(
                SessionBody(
                    user: UserBody(session.user), workspace: WorkspaceBody(workspace), csrfToken: session.csrfToken,
                    expiresAt: session.expiresAt))
            response.setCookie(
                Cookie(
                    name: AuthMiddleware.cookieName, value: session.token, expires: session.expiresAt, path: "/",
                    secure: secureCookies || forwardedHTTPS, httpOnly: true, sameSite: .lax))
            return response
        }
        group.post("setup") { request, context in
            guard try await store.workspaces.isEmpty() else { throw RecordError.alreadyExists(.workspace, field: "workspace") }
            var body = try await BodyReader.read(request, context: context)
            let setup = WorkspaceRepository.Setup(
                name: body.string("workspaceName"), timeZone: body.string("timeZone"), currency: body.string("currency"),
                locale: body.enumValue("locale") ?? context.locale, phoneRegion: body.enumValue("phoneRegion") ?? .ru,
                owner: UserRepository.NewUser(
                    email: body.string("email"), name: body.string("name"), password: body.string("password"), role: .owner))
            try body.finish()
            let (workspace, user) = try await store.workspaces.create(setup)
            return try Handlers.json(
                SessionBody(user: UserBody(user), workspace: WorkspaceBody(workspace), csrfToken: nil, expiresAt: nil), status: .created)
        }
    }
}
