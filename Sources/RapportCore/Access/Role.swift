/// What a user is allowed to do. The matrix lives in ``AccessPolicy``.
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    case owner
    case admin
    case headOfSales = "head_of_sales"
    case salesRep = "sales_rep"
    case marketer
    case support
    case readOnly = "read_only"
}

/// Which records of a kind a role reaches.
public enum Scope: String, Sendable, Codable, Comparable, CaseIterable {
    /// Nothing.
    case none
    /// Records the user owns (or is assigned, or wrote).
    case own
    /// Records owned by anyone in the user's team.
    case team
    /// Every record in the workspace.
    case all

    /// `none < own < team < all`.
    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .none: 0
        case .own: 1
        case .team: 2
        case .all: 3
        }
    }
}

/// Who is acting: the signed-in user or the user an API token belongs to.
public struct Actor: Hashable, Sendable {
    /// The user.
    public var userID: User.ID
    /// Their workspace: every read and write is confined to it.
    public var workspaceID: Workspace.ID
    /// Their team, for team visibility.
    public var teamID: Team.ID?
    /// Their role.
    public var role: Role

    /// Makes an actor.
    public init(userID: User.ID, workspaceID: Workspace.ID, teamID: Team.ID?, role: Role) {
        self.userID = userID
        self.workspaceID = workspaceID
        self.teamID = teamID
        self.role = role
    }
}
