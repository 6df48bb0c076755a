import Foundation
import HummingbirdBcrypt
public import RapportCore
import SQLKit

/// Users and teams of a workspace.
public struct UserRepository: Sendable {
    let context: StoreContext
    let bcryptCost: UInt8

    /// Makes the repository; `bcryptCost` is lowered only in tests.
    public init(context: StoreContext, bcryptCost: UInt8 = 12) {
        self.context = context
        self.bcryptCost = bcryptCost
    }

    /// The fields of a new user.
    public struct NewUser: Sendable {
        public var email: String?
        public var name: String?
        public var password: String?
        public var role: Role
        public var teamID: Team.ID?
        public var locale: AppLocale?
        /// The internal PBX number (``CallRouting/validate(extension:)``).
        public var `extension`: String?
        /// Makes a new-user description.
        public init(
            email: String?, name: String?, password: String?, role: Role, teamID: Team.ID? = nil, locale: AppLocale? = nil,
            extension: String? = nil
        ) {
            self.email = email
            self.name = name
            self.password = password
            self.role = role
            self.teamID = teamID
            self.locale = locale
            self.extension = `extension`
        }
    }

    /// Adds a user to the actor's workspace (needs the right to manage users; only an owner makes owners).
    public func create(_ new: NewUser, by actor: Actor?, workspace: Workspace.ID) async throws -> User {
        if let actor {
            guard actor.workspaceID == workspace, AccessPolicy.allows(actor, .manageUsers) else { throw RecordError.forbidden }
            if new.role == .owner, actor.role != .owner { throw RecordError.forbidden }
        }
        var issues = FieldIssues()
        issues.add(contentsOf: User.validate(email: new.email, name: new.name, password: new.password ?? ""))
        issues.add(contentsOf: CallRouting.validate(extension: new.extension))
        try issues.throwIfAny()
        let phoneExtension = CallRouting.normalized(new.extension)
        let email = EmailAddress.normalize(new.email ?? "") ?? ""
        let hash = Bcrypt.hash(new.password ?? "", cost: bcryptCost)
        return try await Self.fieldErrors {
            try await context.database.transaction { db in
                if try await db.raw("SELECT id FROM users WHERE email = \(bind: email)").first() != nil {
                    throw ValidationError("email", .duplicate)
                }
                if let team = new.teamID,
                    try await db.raw(
                        "SELECT id FROM teams WHERE id = \(bind: team.rawValue) AND workspace_id = \(bind: workspace.rawValue)"
                    )
                    .first() == nil
                {
                    throw ValidationError("teamId", .unknownReference)
                }
                if let phoneExtension, try await Self.extensionTaken(db, phoneExtension, workspace: workspace, except: nil) {
                    throw ValidationError("extension", .duplicate)
                }
                let now = context.effects.now()
                let user = User(
                    id: context.effects.id(), workspaceID: workspace, email: email, name: new.name.trimmedOrNil ?? "", role: new.role,
                    teamID: new.teamID, isActive: true, locale: new.locale, createdAt: now, version: 1, extension: phoneExtension)
                try await db.raw(
                    """
                    INSERT INTO users (id, workspace_id, email, name, password_hash, role, team_id, active, locale, extension, created_at,
                        updated_at, version)
                    VALUES (\(bind: user.id.rawValue), \(bind: workspace.rawValue), \(bind: email), \(bind: user.name), \(bind: hash),
                            \(bind: user.role.rawValue), \(bind: user.teamID?.rawValue), \(bind: true), \(bind: user.locale?.rawValue),
                            \(bind: phoneExtension), \(bind: now.millis), \(bind: now.millis), 1)
                    """
                ).run()
                try await AuditRows.append(
                    db, context: context, workspace: workspace, actor: actor?.userID, record: RecordRef(kind: .user, id: user.id.rawValue),
                    action: .create,
                    changes: [
                        FieldChange(field: "email", before: .null, after: .string(email)),
                        FieldChange(field: "role", before: .null, after: .string(user.role.rawValue)),
                    ] + (phoneExtension.map { [FieldChange(field: "extension", before: .null, after: .string($0))] } ?? []))
                return user
            }
        }
    }

    /// Users of the actor's workspace, by name.
    public func list(by actor: Actor) async throws -> [User] {
        let rows = try await context.database.reader.raw(
            "SELECT * FROM users WHERE workspace_id = \(bind: actor.workspaceID.rawValue) ORDER BY name, id"
        ).all()
        return try rows.map(Self.decode)
    }

    /// Every user of every workspace (for the CLI).
    public func listAll() async throws -> [User] {
        try await context.database.reader.raw("SELECT * FROM users ORDER BY workspace_id, name").all().map(Self.decode)
    }

    /// One user of the actor's workspace.
    public func get(_ id: User.ID, by actor: Actor) async throws -> User {
        guard
            let row = try await context.database.reader.raw(
                "SELECT * FROM users WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)"
            ).first()
        else { throw RecordError.notFound(.user) }
        return try Self.decode(row)
    }

    /// A user by e-mail, across workspaces (sign-in, CLI).
    public func find(email: String) async throws -> User? {
        guard let normalized = EmailAddress.normalize(email),
            let row = try await context.database.reader.raw("SELECT * FROM users WHERE email = \(bind: normalized)").first()
        else { return nil }
        return try Self.decode(row)
    }

    /// The changes an admin may make to a user.
    public struct UserChange: Sendable {
        public var name: String?
        public var role: Role?
        public var teamID: Edit<Team.ID>?
        public var isActive: Bool?
        public var locale: Edit<AppLocale>?
        /// A new extension, or none (``CallRouting/validate(extension:)``).
        public var `extension`: Edit<String>?
        /// An empty change.
        public init() {}
    }

    /// Changes a user. Users may change their own name and language; everything else needs the right to
    /// manage users. The last active owner cannot be demoted or deactivated; an active user's extension
    /// must be free among the workspace's active users.
    public func update(_ id: User.ID, _ change: UserChange, expectedVersion: Int64, by actor: Actor) async throws -> User {
        let selfService =
            actor.userID == id && change.role == nil && change.teamID == nil && change.isActive == nil && change.extension == nil
        guard selfService || AccessPolicy.allows(actor, .manageUsers) else { throw RecordError.forbidden }
        return try await Self.fieldErrors {
            try await context.database.transaction { db in
                guard
                    let row = try await db.raw(
                        "SELECT * FROM users WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)\(unsafeRaw: context.forUpdate)"
                    ).first()
                else { throw RecordError.notFound(.user) }
                let current = try Self.decode(row)
                guard current.version == expectedVersion else { throw RecordError.versionConflict(.user, currentVersion: current.version) }
                var next = current
                var issues = FieldIssues()
                if let name = change.name {
                    issues.require(name, "name")
                    issues.limit(name, "name", to: 200)
                    next.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                if let role = change.role {
                    if role == .owner || current.role == .owner, actor.role != .owner { throw RecordError.forbidden }
                    next.role = role
                }
                next.teamID.apply(change.teamID)
                if let active = change.isActive { next.isActive = active }
                next.locale.apply(change.locale)
                if let edit = change.extension {
                    if case .set(let value) = edit { issues.add(contentsOf: CallRouting.validate(extension: value)) }
                    next.extension.apply(edit)
                    next.extension = CallRouting.normalized(next.extension)
                }
                if next.isActive, let phoneExtension = next.extension, phoneExtension != current.extension || !current.isActive,
                    try await Self.extensionTaken(db, phoneExtension, workspace: actor.workspaceID, except: id)
                {
                    issues.add("extension", .duplicate)
                }
                if let team = next.teamID, team != current.teamID,
                    try await db.raw(
                        "SELECT id FROM teams WHERE id = \(bind: team.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)"
                    ).first() == nil
                {
                    issues.add("teamId", .unknownReference)
                }
                if current.role == .owner, current.isActive, next.role != .owner || !next.isActive {
                    let owners =
                        try await db.raw(
                            "SELECT COUNT(*) AS n FROM users WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND role = 'owner' AND active = \(bind: true)"
                        ).first()?.int("n") ?? 0
                    if owners <= 1 { issues.add("role", .outOfRange, ["min": "1"]) }
                }
                try issues.throwIfAny()
                next.version += 1
                try await db.raw(
                    """
                    UPDATE users SET name = \(bind: next.name), role = \(bind: next.role.rawValue), team_id = \(bind: next.teamID?.rawValue),
                        active = \(bind: next.isActive), locale = \(bind: next.locale?.rawValue), extension = \(bind: next.extension),
                        updated_at = \(bind: context.effects.now().millis), version = \(bind: next.version)
                    WHERE id = \(bind: id.rawValue)
                    """
                ).run()
                if !next.isActive {
                    try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id.rawValue)").run()
                }
                try await AuditRows.append(
                    db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                    record: RecordRef(kind: .user, id: id.rawValue),
                    action: .update,
                    changes: AuditDiff.changes(
                        from: [
                            "name": .string(current.name), "role": .string(current.role.rawValue),
                            "teamId": JSONValue(current.teamID?.rawValue), "active": .bool(current.isActive),
                            "extension": JSONValue(current.extension),
                        ],
                        to: [
                            "name": .string(next.name), "role": .string(next.role.rawValue), "teamId": JSONValue(next.teamID?.rawValue),
                            "active": .bool(next.isActive), "extension": JSONValue(next.extension),
                        ]))
                return next
            }
        }
    }

    /// Sets a new password (the CLI, or a user for themself) and signs out every session of the user.
    public func setPassword(_ id: User.ID, password: String) async throws {
        try ValidationError.check(User.validatePassword(password))
        let hash = Bcrypt.hash(password, cost: bcryptCost)
        try await context.database.transaction { db in
            let row = try await db.raw(
                "UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: context.effects.now().millis) WHERE id = \(bind: id.rawValue) RETURNING id"
            ).first()
            guard row != nil else { throw RecordError.notFound(.user) }
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id.rawValue)").run()
        }
    }

    /// Teams of the actor's workspace.
    public func teams(by actor: Actor) async throws -> [Team] {
        let rows = try await context.database.reader.raw(
            "SELECT * FROM teams WHERE workspace_id = \(bind: actor.workspaceID.rawValue) ORDER BY name, id"
        ).all()
        return try rows.map {
            Team(
                id: try $0.id("id"), workspaceID: try $0.id("workspace_id"), name: try $0.string("name"),
                createdAt: try $0.date("created_at"))
        }
    }

    /// Creates a team.
    public func createTeam(name: String?, by actor: Actor) async throws -> Team {
        guard AccessPolicy.allows(actor, .manageUsers) else { throw RecordError.forbidden }
        var issues = FieldIssues()
        issues.require(name, "name")
        issues.limit(name, "name", to: 100)
        try issues.throwIfAny()
        let team = Team(
            id: context.effects.id(), workspaceID: actor.workspaceID, name: name.trimmedOrNil ?? "", createdAt: context.effects.now())
        try await context.database.transaction { db in
            try await db.raw(
                "INSERT INTO teams (id, workspace_id, name, created_at) VALUES (\(bind: team.id.rawValue), \(bind: team.workspaceID.rawValue), \(bind: team.name), \(bind: team.createdAt.millis))"
            ).run()
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .team, id: team.id.rawValue),
                action: .create, changes: [FieldChange(field: "name", before: .null, after: .string(team.name))])
        }
        return team
    }

    static func decode(_ row: any SQLRow) throws -> User {
        User(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), email: try row.string("email"), name: try row.string("name"),
            role: try row.enumValue("role"), teamID: try row.optionalID("team_id"), isActive: try row.bool("active"),
            locale: try row.optionalEnum("locale"), createdAt: try row.date("created_at"), version: try row.int64("version"),
            extension: try row.optionalString("extension"))
    }

    /// Whether an active user of the workspace other than `except` has the extension.
    static func extensionTaken(_ db: any SQLDatabase, _ phoneExtension: String, workspace: Workspace.ID, except: User.ID?)
        async throws -> Bool
    {
        try await db.raw(
            """
            SELECT id FROM users WHERE workspace_id = \(bind: workspace.rawValue) AND extension = \(bind: phoneExtension)
                AND active = \(bind: true) AND id <> \(bind: except?.rawValue ?? "")
            """
        ).first() != nil
    }

    /// The users of the workspace with the extension, as the call routing sees them.
    static func lines(_ db: any SQLDatabase, extension phoneExtension: String?, workspace: Workspace.ID) async throws
        -> [CallRouting.Line]
    {
        guard let phoneExtension = CallRouting.normalized(phoneExtension) else { return [] }
        return try await db.raw(
            "SELECT id, extension, active FROM users WHERE workspace_id = \(bind: workspace.rawValue) AND extension = \(bind: phoneExtension)"
        ).all().map {
            CallRouting.Line(userID: try $0.id("id"), extension: try $0.optionalString("extension"), isActive: try $0.bool("active"))
        }
    }
}

extension ValidationError {
    /// Throws when there are issues.
    static func check(_ issues: [FieldIssue]) throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }
}

extension UserRepository {
    /// Runs a write, turning a clash on the users' unique indexes (two requests that both found an e-mail or
    /// an extension free, on PostgreSQL) into the same field error the check before the write gives.
    static func fieldErrors<R>(_ write: () async throws -> R) async throws -> R {
        do {
            return try await write()
        } catch let violation as UniqueViolation {
            if violation.isOn(index: "users_email_key", column: "users.email") { throw ValidationError("email", .duplicate) }
            if violation.isOn(index: "users_extension", column: "users.extension") { throw ValidationError("extension", .duplicate) }
            throw violation
        }
    }
}
