public import Foundation

/// A person who signs in. Belongs to one workspace, has one role and at most one team.
public struct User: Hashable, Sendable, Codable {
    /// The user id.
    public typealias ID = Identifier<User>
    /// Its id.
    public var id: ID
    /// The workspace the user works in.
    public var workspaceID: Workspace.ID
    /// Normalized e-mail, the sign-in name; unique across the installation.
    public var email: String
    /// Display name.
    public var name: String
    /// What the user may do.
    public var role: Role
    /// The user's team, which decides what "team" visibility shows.
    public var teamID: Team.ID?
    /// Deactivated users cannot sign in and their tokens stop working; their records stay.
    public var isActive: Bool
    /// Preferred UI language; nil follows the browser.
    public var locale: AppLocale?
    /// The internal PBX number (digits), unique among the workspace's active users; telephony events that
    /// carry it are handled by this user (``CallRouting``).
    public var `extension`: String?
    /// When it was created.
    public var createdAt: Date
    /// Optimistic-locking version.
    public var version: Int64

    /// Makes a user.
    public init(
        id: ID, workspaceID: Workspace.ID, email: String, name: String, role: Role, teamID: Team.ID?,
        isActive: Bool, locale: AppLocale?, createdAt: Date, version: Int64, extension: String? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.name = name
        self.role = role
        self.teamID = teamID
        self.isActive = isActive
        self.locale = locale
        self.extension = `extension`
        self.createdAt = createdAt
        self.version = version
    }

    /// The acting identity this user has in requests.
    public var actor: Actor { Actor(userID: id, workspaceID: workspaceID, teamID: teamID, role: role) }

    /// Checks a new user's fields. Returns the normalized e-mail when valid.
    public static func validate(email: String?, name: String?, password: String?) -> [FieldIssue] {
        var issues = FieldIssues()
        issues.require(name, "name")
        issues.limit(name, "name", to: 200)
        if email.trimmedOrNil == nil {
            issues.add("email", .required)
        } else if EmailAddress.normalize(email ?? "") == nil {
            issues.add("email", .invalidEmail)
        }
        if let password { issues.add(contentsOf: validatePassword(password)) }
        return issues.all
    }

    /// A password must be at least 8 characters; longer than 72 bytes is refused because bcrypt
    /// silently ignores the rest.
    public static func validatePassword(_ password: String, field: String = "password") -> [FieldIssue] {
        if password.count < 8 { return [FieldIssue(field, .tooWeak, ["min": "8"])] }
        if password.utf8.count > 72 { return [FieldIssue(field, .tooLong, ["max": "72"])] }
        return []
    }
}

/// A group of users, e.g. one sales office. A head of sales sees all teams; a sales rep sees their own.
public struct Team: Hashable, Sendable, Codable {
    /// The team id.
    public typealias ID = Identifier<Team>
    /// Its id.
    public var id: ID
    /// The workspace.
    public var workspaceID: Workspace.ID
    /// Its name.
    public var name: String
    /// When it was created.
    public var createdAt: Date

    /// Makes a team.
    public init(id: ID, workspaceID: Workspace.ID, name: String, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.createdAt = createdAt
    }
}
