import Foundation
import RapportCore
import SQLKit

/// What the shared record operations (lock for writing, trash, restore) need to know about a record type.
protocol StoredRecord: Sendable {
    /// The kind, for access checks, audit entries and errors.
    static var recordKind: RecordKind { get }
    /// Its table.
    static var table: String { get }
    /// Its raw id.
    var rawID: String { get }
    /// The user whose ownership decides access: the owner, the assignee (tasks) or the author (activities).
    var accessOwner: User.ID? { get }
    var deletedAt: Date? { get set }
    var updatedAt: Date { get set }
    var version: Int64 { get set }
    /// The fields the audit log compares.
    var auditSnapshot: [String: JSONValue] { get }
}

extension Contact: StoredRecord {
    static let recordKind = RecordKind.contact
    static let table = "contacts"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { ownerID }
}

extension Company: StoredRecord {
    static let recordKind = RecordKind.company
    static let table = "companies"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { ownerID }
}

extension Deal: StoredRecord {
    static let recordKind = RecordKind.deal
    static let table = "deals"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { ownerID }
}

extension TaskItem: StoredRecord {
    static let recordKind = RecordKind.task
    static let table = "tasks"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { assigneeID }
}

extension Activity: StoredRecord {
    static let recordKind = RecordKind.activity
    static let table = "activities"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { authorID }
}

/// The operations every owned record shares.
enum StoredRecords {
    /// Locks a record's row (PostgreSQL; SQLite's writer is already exclusive), loads it, and checks the
    /// actor may see it (else not found) and do `operation` to it (else forbidden). A record in the trash
    /// is refused unless `allowTrash`.
    /// - Parameter canRead: overrides the owner-based read check (activities are visible through their records).
    static func lockForWrite<R: StoredRecord>(
        _ db: any SQLDatabase, context: StoreContext, id: String, actor: Actor, operation: RecordOperation,
        allowTrash: Bool = false, load: (any SQLDatabase, [String], Workspace.ID) async throws -> [R],
        canRead: ((R) async throws -> Bool)? = nil
    ) async throws -> R {
        _ = try await db.raw(
            "SELECT id FROM \(unsafeRaw: R.table) WHERE id = \(bind: id) AND workspace_id = \(bind: actor.workspaceID.rawValue)\(unsafeRaw: context.forUpdate)"
        ).first()
        guard let current = try await load(db, [id], actor.workspaceID).first else { throw RecordError.notFound(R.recordKind) }
        let visible =
            if let canRead { try await canRead(current) } else {
                try await AccessCheck.allows(db, actor, .read, R.recordKind, owner: current.accessOwner)
            }
        guard visible else { throw RecordError.notFound(R.recordKind) }
        guard try await AccessCheck.allows(db, actor, operation, R.recordKind, owner: current.accessOwner) else {
            throw RecordError.forbidden
        }
        if !allowTrash, current.deletedAt != nil { throw RecordError.inTrash(R.recordKind) }
        return current
    }

    /// Applies a versioned update to a locked record: refuses a stale `expectedVersion`, runs `change`
    /// (the Core rule plus reference checks) with the workspace's rule context, stamps the new version,
    /// writes the record and appends the field-level audit entry.
    static func update<R: StoredRecord>(
        _ db: any SQLDatabase, context: StoreContext, _ current: R, expectedVersion: Int64, actor: Actor,
        change: (R, RecordContext) async throws -> R, write: (R) async throws -> Void
    ) async throws -> R {
        guard current.version == expectedVersion else {
            throw RecordError.versionConflict(R.recordKind, currentVersion: current.version)
        }
        let rules = try await WorkspaceRows.recordContext(db, context: context, workspace: actor.workspaceID, entity: R.recordKind)
        var next = try await change(current, rules)
        next.updatedAt = rules.now
        next.version = current.version + 1
        try await write(next)
        let changes = AuditDiff.changes(from: current.auditSnapshot, to: next.auditSnapshot)
        if !changes.isEmpty {
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: R.recordKind, id: current.rawID), action: .update, changes: changes)
        }
        return next
    }

    /// Moves a locked record to the trash (`deleted`) or back, with a new version and an audit entry.
    static func setDeleted<R: StoredRecord>(
        _ db: any SQLDatabase, context: StoreContext, _ current: R, deleted: Bool, actor: Actor
    ) async throws -> R {
        if deleted, current.deletedAt != nil { throw RecordError.inTrash(R.recordKind) }
        if !deleted, current.deletedAt == nil { throw RecordError.notInTrash(R.recordKind) }
        var next = current
        let now = context.effects.now()
        next.deletedAt = deleted ? now : nil
        next.updatedAt = now
        next.version += 1
        try await db.raw(
            "UPDATE \(unsafeRaw: R.table) SET deleted_at = \(bind: next.deletedAt?.millis), updated_at = \(bind: now.millis), version = \(bind: next.version) WHERE id = \(bind: current.rawID)"
        ).run()
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: actor.userID,
            record: RecordRef(kind: R.recordKind, id: current.rawID),
            action: deleted ? .delete : .restore, changes: [])
        return next
    }
}
