/// Something a user does to a record.
public enum RecordOperation: String, Sendable, Codable, CaseIterable {
    case read
    case create
    case update
    /// Moving to trash and restoring from it.
    case delete
}

/// Rights that are not about one record.
public enum Right: String, Sendable, Codable, CaseIterable {
    /// Export lists and archives (every export is audited).
    case export
    /// Change pipelines, custom fields, tags, the workspace.
    case manageSettings = "manage_settings"
    /// Add users, change roles, teams, deactivate.
    case manageUsers = "manage_users"
}

/// Who owns a record, as far as access is concerned: for contacts, companies and deals the owner; for
/// tasks the assignee; for activities the author.
public struct Ownership: Hashable, Sendable {
    /// The record's workspace.
    public var workspaceID: Workspace.ID
    /// The owning user, if any.
    public var ownerID: User.ID?
    /// The owning user's team, if any.
    public var ownerTeamID: Team.ID?

    /// Makes an ownership description.
    public init(workspaceID: Workspace.ID, ownerID: User.ID?, ownerTeamID: Team.ID?) {
        self.workspaceID = workspaceID
        self.ownerID = ownerID
        self.ownerTeamID = ownerTeamID
    }
}

/// The set of records a list or search may return, for the store to turn into a `WHERE` clause.
public enum Visibility: Hashable, Sendable {
    /// No record.
    case nothing
    /// Records owned by this user.
    case owned(by: User.ID)
    /// Records owned by members of this team, or by the user.
    case team(Team.ID, orOwnedBy: User.ID)
    /// Every record of the workspace.
    case everything
}

/// The one place that decides who may do what. Every API handler, page, export, search, report and
/// job asks it; the store applies ``visibility(for:of:)`` to every list query.
public enum AccessPolicy {
    /// How far a role reaches for an operation on a kind of record.
    public static func scope(of role: Role, for operation: RecordOperation, on kind: RecordKind) -> Scope {
        if kind == .apiToken {
            // Tokens are secrets' handles: only their user (and owners/admins) may even see they exist.
            return role == .owner || role == .admin ? .all : .own
        }
        if kind == .segment {
            // Segment definitions are shared knowledge (members are still filtered by contact visibility);
            // marketers and managers shape them, a rep keeps their own.
            if operation == .read { return .all }
            switch role {
            case .owner, .admin, .headOfSales, .marketer: return .all
            case .salesRep: return .own
            case .support, .readOnly: return .none
            }
        }
        if isSetting(kind) {
            switch operation {
            case .read: return .all
            case .create, .update, .delete:
                let right: Right = kind == .user || kind == .team ? .manageUsers : .manageSettings
                return allows(role, right) ? .all : .none
            }
        }
        switch role {
        case .owner, .admin, .headOfSales:
            return .all
        case .salesRep:
            switch (operation, kind) {
            case (.read, _): return .team
            case (.create, .task), (.update, .task): return .team
            default: return .own
            }
        case .marketer:
            switch (operation, kind) {
            case (.read, _): return .all
            case (.create, .contact), (.update, .contact), (.create, .company), (.update, .company): return .all
            case (.create, .task), (.update, .task), (.create, .activity), (.update, .activity): return .own
            case (.delete, .task), (.delete, .activity): return .own
            default: return .none
            }
        case .support:
            switch (operation, kind) {
            case (.read, .task): return .team
            case (.read, _): return .all
            case (.update, .contact), (.update, .company): return .all
            case (.create, .task), (.update, .task), (.create, .activity), (.update, .activity): return .own
            case (.delete, .task), (.delete, .activity): return .own
            default: return .none
            }
        case .readOnly:
            return operation == .read ? .all : .none
        }
    }

    /// Whether a role holds a right that is not about one record.
    public static func allows(_ role: Role, _ right: Right) -> Bool {
        switch (role, right) {
        case (.owner, _), (.admin, _): true
        case (.headOfSales, .export), (.marketer, .export): true
        default: false
        }
    }

    /// Whether the actor may do the operation to a record with this ownership. A record of another
    /// workspace is never reachable, whatever the role.
    public static func allows(
        _ actor: Actor, _ operation: RecordOperation, _ kind: RecordKind, _ record: Ownership
    ) -> Bool {
        guard record.workspaceID == actor.workspaceID else { return false }
        return reaches(scope(of: actor.role, for: operation, on: kind), actor: actor, record: record)
    }

    /// Whether the actor holds a right.
    public static func allows(_ actor: Actor, _ right: Right) -> Bool { allows(actor.role, right) }

    /// The records of a kind the actor may see (or change, for bulk operations), as a filter.
    public static func visibility(
        for actor: Actor, of kind: RecordKind, operation: RecordOperation = .read
    ) -> Visibility {
        switch scope(of: actor.role, for: operation, on: kind) {
        case .none: return .nothing
        case .own: return .owned(by: actor.userID)
        case .team:
            guard let team = actor.teamID else { return .owned(by: actor.userID) }
            return .team(team, orOwnedBy: actor.userID)
        case .all: return .everything
        }
    }

    private static func reaches(_ scope: Scope, actor: Actor, record: Ownership) -> Bool {
        switch scope {
        case .none: return false
        case .all: return true
        case .own: return record.ownerID == actor.userID
        case .team:
            if record.ownerID == actor.userID { return true }
            guard let team = actor.teamID else { return false }
            return record.ownerTeamID == team
        }
    }

    private static func isSetting(_ kind: RecordKind) -> Bool {
        switch kind {
        case .pipeline, .user, .team, .tag, .customField, .apiToken, .workspace, .product, .form: true
        case .contact, .company, .deal, .task, .activity, .order, .segment: false
        }
    }
}
