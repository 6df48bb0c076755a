public import Foundation
import HummingbirdBcrypt
public import RapportCore
import SQLKit

/// Sign-in, sessions and API tokens. Session ids and tokens are random; only their SHA-256 is stored.
public struct AuthRepository: Sendable {
    let context: StoreContext
    /// How long a session lasts without use.
    public let sessionLifetime: TimeInterval

    /// Makes the repository.
    public init(context: StoreContext, sessionLifetime: TimeInterval = 14 * 24 * 3600) {
        self.context = context
        self.sessionLifetime = sessionLifetime
    }

    /// Why a sign-in failed.
    public enum SignInError: Error, Equatable {
        /// Wrong e-mail or password, or an inactive user (not told apart, so accounts cannot be probed).
        case invalidCredentials
        /// Too many failures; try again after this many seconds.
        case rateLimited(retryAfter: Int)
    }

    /// A new session: the secret for the cookie and the CSRF token for forms.
    public struct NewSession: Sendable {
        public var token: String
        public var csrfToken: String
        public var user: User
        public var expiresAt: Date
    }

    /// Checks the password (after the throttle) and opens a session.
    public func signIn(email: String, password: String, clientAddress: String) async throws -> NewSession {
        let now = context.effects.now()
        let emailKey = "email:" + (EmailAddress.normalize(email) ?? email.lowercased())
        let addressKey = "addr:" + clientAddress
        let db = context.database.reader
        let verdict = LoginThrottle.check(
            email: try await Self.counter(db, emailKey), address: try await Self.counter(db, addressKey), now: now)
        if case .refused(let retryAfter) = verdict { throw SignInError.rateLimited(retryAfter: retryAfter) }

        let row = try await db.raw(
            "SELECT * FROM users WHERE email = \(bind: EmailAddress.normalize(email) ?? "")"
        ).first()
        let hash = try row?.string("password_hash")
        // Verify against a dummy hash when the user is unknown, so timing does not reveal which e-mails exist.
        let valid = Bcrypt.verify(password, hash: hash ?? Self.dummyHash)
        guard let row, valid, try row.bool("active") else {
            try await recordFailure(keys: [emailKey, addressKey], now: now)
            throw SignInError.invalidCredentials
        }
        let user = try UserRepository.decode(row)
        let token = Secrets.token(prefix: "")
        let csrf = Secrets.token(prefix: "", bytes: 24)
        let expires = now.addingTimeInterval(sessionLifetime)
        try await context.database.transaction { db in
            try await db.raw("DELETE FROM login_throttle WHERE key = \(bind: emailKey)").run()
            try await db.raw(
                """
                INSERT INTO sessions (id, workspace_id, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: Secrets.hash(token)), \(bind: user.workspaceID.rawValue), \(bind: user.id.rawValue),
                        \(bind: csrf), \(bind: now.millis), \(bind: expires.millis))
                """
            ).run()
            try await AuditRows.append(
                db, context: context, workspace: user.workspaceID, actor: user.id, record: RecordRef(kind: .user, id: user.id.rawValue),
                action: .login, changes: [])
        }
        return NewSession(token: token, csrfToken: csrf, user: user, expiresAt: expires)
    }

    /// A bcrypt hash of a random string, verified against when the e-mail is unknown.
    static let dummyHash = Bcrypt.hash(Secrets.token(prefix: ""), cost: 12)

    /// The user and CSRF token of a live session, extending it when more than a day has passed.
    public func session(token: String) async throws -> (user: User, csrfToken: String)? {
        let now = context.effects.now()
        guard
            let row = try await context.database.reader.raw(
                """
                SELECT s.csrf_token, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id = \(bind: Secrets.hash(token))
                """
            ).first()
        else { return nil }
        let expires = try row.date("expires_at")
        guard expires > now, try row.bool("active") else { return nil }
        if expires.timeIntervalSince(now) < sessionLifetime - 24 * 3600 {
            let renewed = now.addingTimeInterval(sessionLifetime).millis
            try await context.database.transaction { db in
                try await db.raw("UPDATE sessions SET expires_at = \(bind: renewed) WHERE id = \(bind: Secrets.hash(token))").run()
            }
        }
        return (try UserRepository.decode(row), try row.string("csrf_token"))
    }

    /// Ends a session.
    public func signOut(token: String) async throws {
        try await context.database.transaction { db in
            try await db.raw("DELETE FROM sessions WHERE id = \(bind: Secrets.hash(token))").run()
        }
    }

    /// An API token as listed (never with its secret).
    public struct TokenInfo: Sendable, Hashable {
        public var id: String
        public var userID: User.ID
        public var name: String
        public var prefix: String
        public var createdAt: Date
        public var lastUsedAt: Date?
        public var revokedAt: Date?
    }

    /// Creates an API token for a user; the secret is returned once and only its hash is kept.
    public func createToken(for userID: User.ID, name: String?, by actor: Actor?) async throws -> (secret: String, info: TokenInfo) {
        let secret = Secrets.token(prefix: "rpt_")
        let now = context.effects.now()
        return try await context.database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM users WHERE id = \(bind: userID.rawValue)").first() else {
                throw RecordError.notFound(.user)
            }
            let user = try UserRepository.decode(row)
            if let actor {
                let ownership = Ownership(workspaceID: user.workspaceID, ownerID: user.id, ownerTeamID: user.teamID)
                guard AccessPolicy.allows(actor, .create, .apiToken, ownership) else { throw RecordError.forbidden }
            }
            guard user.isActive else { throw ValidationError("userId", .unknownReference) }
            let tokenName = name.trimmedOrNil ?? "API"
            if tokenName.count > 100 { throw ValidationError("name", .tooLong, ["max": "100"]) }
            let info = TokenInfo(
                id: context.effects.newID(), userID: user.id, name: tokenName, prefix: String(secret.prefix(8)), createdAt: now,
                lastUsedAt: nil, revokedAt: nil)
            try await db.raw(
                """
                INSERT INTO api_tokens (id, workspace_id, user_id, name, token_hash, prefix, created_at)
                VALUES (\(bind: info.id), \(bind: user.workspaceID.rawValue), \(bind: user.id.rawValue), \(bind: info.name),
                        \(bind: Secrets.hash(secret)), \(bind: info.prefix), \(bind: now.millis))
                """
            ).run()
            try await AuditRows.append(
                db, context: context, workspace: user.workspaceID, actor: actor?.userID, record: RecordRef(kind: .apiToken, id: info.id),
                action: .tokenCreate, changes: [FieldChange(field: "name", before: .null, after: .string(info.name))])
            return (secret, info)
        }
    }

    /// The active user a bearer token belongs to; records the time of use (at most once a minute).
    public func user(forToken secret: String) async throws -> User? {
        guard secret.hasPrefix("rpt_"), secret.count < 200 else { return nil }
        let hash = Secrets.hash(secret)
        guard
            let row = try await context.database.reader.raw(
                """
                SELECT t.id AS token_id, t.last_used_at, u.* FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL
                """
            ).first(), try row.bool("active")
        else { return nil }
        let now = context.effects.now()
        if (try row.optionalDate("last_used_at")).map({ now.timeIntervalSince($0) > 60 }) ?? true {
            let tokenID = try row.string("token_id")
            try await context.database.transaction { db in
                try await db.raw("UPDATE api_tokens SET last_used_at = \(bind: now.millis) WHERE id = \(bind: tokenID)").run()
            }
        }
        return try UserRepository.decode(row)
    }

    /// Tokens of the actor (or of the whole workspace, for admins).
    public func tokens(by actor: Actor) async throws -> [TokenInfo] {
        let everyone = AccessPolicy.scope(of: actor.role, for: .update, on: .apiToken) == .all
        let condition: SQLQueryString = everyone ? "1 = 1" : "user_id = \(bind: actor.userID.rawValue)"
        let rows = try await context.database.reader.raw(
            "SELECT * FROM api_tokens WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND " + condition
                + " ORDER BY created_at DESC"
        ).all()
        return try rows.map(Self.decodeToken)
    }

    /// Revokes a token: the actor's own, or any in the workspace for admins.
    public func revokeToken(_ id: String, by actor: Actor?) async throws -> TokenInfo {
        try await context.database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM api_tokens WHERE id = \(bind: id)").first() else {
                throw RecordError.notFound(.apiToken)
            }
            let workspace: Workspace.ID = try row.id("workspace_id")
            var info = try Self.decodeToken(row)
            if let actor {
                let ownership = Ownership(workspaceID: workspace, ownerID: info.userID, ownerTeamID: nil)
                guard AccessPolicy.allows(actor, .read, .apiToken, ownership) else { throw RecordError.notFound(.apiToken) }
                guard AccessPolicy.allows(actor, .delete, .apiToken, ownership) else { throw RecordError.forbidden }
            }
            if info.revokedAt == nil {
                let now = context.effects.now()
                try await db.raw("UPDATE api_tokens SET revoked_at = \(bind: now.millis) WHERE id = \(bind: id)").run()
                info.revokedAt = now
                try await AuditRows.append(
                    db, context: context, workspace: workspace, actor: actor?.userID, record: RecordRef(kind: .apiToken, id: id),
                    action: .tokenRevoke, changes: [])
            }
            return info
        }
    }

    static func decodeToken(_ row: any SQLRow) throws -> TokenInfo {
        TokenInfo(
            id: try row.string("id"), userID: try row.id("user_id"), name: try row.string("name"), prefix: try row.string("prefix"),
            createdAt: try row.date("created_at"), lastUsedAt: try row.optionalDate("last_used_at"),
            revokedAt: try row.optionalDate("revoked_at"))
    }

    /// A throttle counter (sign-in failures, or web form submissions) of one key.
    static func counter(_ db: any SQLDatabase, _ key: String) async throws -> LoginThrottle.Counter? {
        guard let row = try await db.raw("SELECT failures, window_start FROM login_throttle WHERE key = \(bind: key)").first() else {
            return nil
        }
        return LoginThrottle.Counter(failures: try row.int("failures"), windowStart: try row.date("window_start"))
    }

    private func recordFailure(keys: [String], now: Date) async throws {
        try await context.database.transaction { db in
            for key in keys {
                try await Self.store(db, key, LoginThrottle.recordingFailure(try await Self.counter(db, key), now: now))
            }
        }
    }

    /// Saves a throttle counter.
    static func store(_ db: any SQLDatabase, _ key: String, _ counter: LoginThrottle.Counter) async throws {
        try await db.raw(
            """
            INSERT INTO login_throttle (key, failures, window_start) VALUES (\(bind: key), \(bind: counter.failures), \(bind: counter.windowStart.millis))
            ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start
            """
        ).run()
    }
}
