import Foundation
public import RapportCore
import SQLKit

/// Activities (notes, calls, e-mails, meetings, SMS). Whoever may see a record may read its activities
/// and add to them; editing and deleting follow the author's ownership.
public struct ActivityRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "activities a", idColumn: "a.id",
        sortColumns: ["occurredAt": "a.occurred_at", "createdAt": "a.created_at"], defaultSort: "-occurredAt")

    /// Logs an activity on records the actor may see.
    public func create(_ input: ActivityInput, by actor: Actor, bySystem: Bool = false) async throws -> Activity {
        try await context.database.transaction { db in
            try await create(db, input, by: actor, bySystem: bySystem)
        }
    }

    /// Logs an activity inside the caller's transaction; `author` names someone other than the actor as its
    /// author (the employee who took a call the PBX integration reports).
    func create(_ db: any SQLDatabase, _ input: ActivityInput, by actor: Actor, bySystem: Bool = false, author: User.ID? = nil)
        async throws -> Activity
    {
        let rules = try await WorkspaceRows.recordContext(db, context: context, workspace: actor.workspaceID, entity: .activity)
        let blank = Activity(
            id: context.effects.id(), workspaceID: actor.workspaceID, kind: input.kind ?? .note, now: rules.now,
            authorID: bySystem ? nil : author ?? actor.userID)
        let activity = try blank.applying(input, context: rules, bySystem: bySystem)
        try await checkParents(db, activity, actor: actor)
        if !bySystem {
            let ownership = Ownership(workspaceID: actor.workspaceID, ownerID: actor.userID, ownerTeamID: actor.teamID)
            guard AccessPolicy.allows(actor, .create, .activity, ownership) else { throw RecordError.forbidden }
        }
        try await write(db, activity, expectedVersion: nil)
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: bySystem ? nil : actor.userID,
            record: RecordRef(kind: .activity, id: activity.id.rawValue), action: .create,
            changes: AuditDiff.creation(activity.auditSnapshot))
        return activity
    }

    /// An activity the actor may see (through one of its records).
    public func get(_ id: Activity.ID, by actor: Actor) async throws -> Activity {
        let db = context.database.reader
        guard let activity = try await load(db, ids: [id.rawValue], workspace: actor.workspaceID).first,
            try await canRead(db, activity, actor: actor)
        else { throw RecordError.notFound(.activity) }
        return activity
    }

    /// Edits an activity (its author, or anyone with full rights).
    public func update(_ id: Activity.ID, _ input: ActivityInput, expectedVersion: Int64, by actor: Actor) async throws -> Activity {
        try await context.database.transaction { db in try await update(db, id, input, expectedVersion: expectedVersion, by: actor) }
    }

    /// Edits an activity inside the caller's transaction (the next event of a call).
    func update(_ db: any SQLDatabase, _ id: Activity.ID, _ input: ActivityInput, expectedVersion: Int64, by actor: Actor) async throws
        -> Activity
    {
        let current = try await lockForWrite(db, id, actor: actor, operation: .update)
        return try await StoredRecords.update(db, context: context, current, expectedVersion: expectedVersion, actor: actor) {
            current, rules in
            let next = try current.applying(input, context: rules, bySystem: current.kind == .system)
            try await checkParents(db, next, actor: actor)
            return next
        } write: { next in
            try await write(db, next, expectedVersion: expectedVersion)
        }
    }

    /// Moves an activity to the trash.
    public func delete(_ id: Activity.ID, by actor: Actor) async throws -> Activity { try await setDeleted(id, true, actor) }

    /// Restores an activity.
    public func restore(_ id: Activity.ID, by actor: Actor) async throws -> Activity { try await setDeleted(id, false, actor) }

    private func setDeleted(_ id: Activity.ID, _ deleted: Bool, _ actor: Actor) async throws -> Activity {
        try await context.database.transaction { db in
            let current = try await lockForWrite(db, id, actor: actor, operation: .delete, allowTrash: true)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: deleted, actor: actor)
        }
    }

    /// Activities of one record (when a contact, company or deal filter is given, after checking the actor
    /// may see that record), or, without such a filter, those the actor wrote or may see in full.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<Activity> {
        let db = context.database.reader
        var conditions: [SQLQueryString] = [
            "a.workspace_id = \(bind: actor.workspaceID.rawValue)", query.trash ? "a.deleted_at IS NOT NULL" : "a.deleted_at IS NULL",
        ]
        let filters = query.filters
        var parentChecked = false
        if let id = filters.contactID {
            _ = try await ContactRepository(context: context).get(id, by: actor)
            conditions.append("a.contact_id = \(bind: id.rawValue)")
            parentChecked = true
        }
        if let id = filters.companyID {
            _ = try await CompanyRepository(context: context).get(id, by: actor)
            conditions.append("a.company_id = \(bind: id.rawValue)")
            parentChecked = true
        }
        if let id = filters.dealID {
            _ = try await DealRepository(context: context).get(id, by: actor)
            conditions.append("a.deal_id = \(bind: id.rawValue)")
            parentChecked = true
        }
        if !parentChecked {
            let everything =
                AccessPolicy.visibility(for: actor, of: .contact) == .everything
                && AccessPolicy.visibility(for: actor, of: .deal) == .everything
            if !everything { conditions.append("a.author_id = \(bind: actor.userID.rawValue)") }
        }
        if let kind = filters.kind {
            guard let kind = ActivityKind(rawValue: kind) else { throw ValidationError("kind", .invalidOption) }
            conditions.append("a.kind = \(bind: kind.rawValue)")
        }
        if let from = filters.createdFrom { conditions.append("a.occurred_at >= \(bind: from.millis)") }
        if let to = filters.createdTo { conditions.append("a.occurred_at < \(bind: to.millis)") }
        let (ids, next) = try await Self.plan.ids(db, conditions: conditions, query: query)
        return Page(items: try await load(db, ids: ids, workspace: actor.workspaceID), nextCursor: next)
    }

    func canRead(_ db: any SQLDatabase, _ activity: Activity, actor: Actor) async throws -> Bool {
        if activity.authorID == actor.userID { return true }
        for ref in activity.attachedTo where try await RecordOwners.canRead(db, ref, actor: actor) { return true }
        return false
    }

    private func lockForWrite(_ db: any SQLDatabase, _ id: Activity.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false)
        async throws -> Activity
    {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { try await load($0, ids: $1, workspace: $2) },
            canRead: { try await canRead(db, $0, actor: actor) })
    }

    /// Every record an activity is attached to must exist and be visible to the actor.
    private func checkParents(_ db: any SQLDatabase, _ activity: Activity, actor: Actor) async throws {
        var issues: [FieldIssue] = []
        for ref in activity.attachedTo where try !(await RecordOwners.canRead(db, ref, actor: actor)) {
            issues.append(FieldIssue("\(ref.kind.rawValue)Id", .unknownReference))
        }
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }

    private func write(_ db: any SQLDatabase, _ a: Activity, expectedVersion: Int64?) async throws {
        if let expectedVersion {
            let row = try await db.raw(
                """
                UPDATE activities SET kind = \(bind: a.kind.rawValue), subject = \(bind: a.subject), body = \(bind: a.body),
                    occurred_at = \(bind: a.occurredAt.millis), contact_id = \(bind: a.contactID?.rawValue),
                    company_id = \(bind: a.companyID?.rawValue), deal_id = \(bind: a.dealID?.rawValue),
                    direction = \(bind: a.direction?.rawValue), duration_seconds = \(bind: a.durationSeconds),
                    call_result = \(bind: a.callResult?.rawValue), recording_url = \(bind: a.recordingURL),
                    updated_at = \(bind: a.updatedAt.millis), version = \(bind: a.version)
                WHERE id = \(bind: a.id.rawValue) AND version = \(bind: expectedVersion) RETURNING version
                """
            ).first()
            guard row != nil else { throw RecordError.versionConflict(.activity, currentVersion: expectedVersion) }
        } else {
            try await db.raw(
                """
                INSERT INTO activities (id, workspace_id, kind, subject, body, occurred_at, contact_id, company_id, deal_id,
                    direction, duration_seconds, call_result, recording_url, author_id, created_at, updated_at, version)
                VALUES (\(bind: a.id.rawValue), \(bind: a.workspaceID.rawValue), \(bind: a.kind.rawValue), \(bind: a.subject),
                    \(bind: a.body), \(bind: a.occurredAt.millis), \(bind: a.contactID?.rawValue), \(bind: a.companyID?.rawValue),
                    \(bind: a.dealID?.rawValue), \(bind: a.direction?.rawValue), \(bind: a.durationSeconds),
                    \(bind: a.callResult?.rawValue), \(bind: a.recordingURL), \(bind: a.authorID?.rawValue),
                    \(bind: a.createdAt.millis), \(bind: a.updatedAt.millis), \(bind: a.version))
                """
            ).run()
        }
    }

    func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Activity] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw("SELECT * FROM activities WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))")
            .all()
        var byID: [String: Activity] = [:]
        for row in rows {
            let a = try Self.decode(row)
            byID[a.id.rawValue] = a
        }
        return ids.compactMap { byID[$0] }
    }

    static func decode(_ row: any SQLRow) throws -> Activity {
        var a = Activity(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), kind: try row.enumValue("kind"),
            now: try row.date("created_at"), authorID: try row.optionalID("author_id"))
        a.subject = try row.optionalString("subject")
        a.body = try row.optionalString("body")
        a.occurredAt = try row.date("occurred_at")
        a.contactID = try row.optionalID("contact_id")
        a.companyID = try row.optionalID("company_id")
        a.dealID = try row.optionalID("deal_id")
        a.direction = try row.optionalEnum("direction")
        a.durationSeconds = try row.optionalInt("duration_seconds")
        a.callResult = try row.optionalEnum("call_result")
        a.recordingURL = try row.optionalString("recording_url")
        a.updatedAt = try row.date("updated_at")
        a.version = try row.int64("version")
        a.deletedAt = try row.optionalDate("deleted_at")
        return a
    }
}

/// Reads the owner of any owned record, to decide visibility of things attached to it.
enum RecordOwners {
    static func table(_ kind: RecordKind) -> (table: String, owner: String)? {
        switch kind {
        case .contact: ("contacts", "owner_id")
        case .company: ("companies", "owner_id")
        case .deal: ("deals", "owner_id")
        case .task: ("tasks", "assignee_id")
        default: nil
        }
    }

    /// What an actor may do with a record, as things attached to it need to know.
    enum Access: Sendable, Hashable {
        /// Unknown, in the trash, in another workspace, or not visible to the actor: "not found".
        case missing
        /// Visible, but the operation is not allowed: "forbidden".
        case readOnly
        /// Visible, and the operation is allowed.
        case allowed
    }

    /// Whether the record exists (live) in the actor's workspace, is visible to the actor, and allows the
    /// operation, from one read of its owner.
    static func access(_ db: any SQLDatabase, _ ref: RecordRef, _ operation: RecordOperation, actor: Actor) async throws -> Access {
        guard let (table, owner) = table(ref.kind) else { return .missing }
        guard
            let row = try await db.raw(
                "SELECT \(unsafeRaw: owner) AS owner FROM \(unsafeRaw: table) WHERE id = \(bind: ref.id) AND workspace_id = \(bind: actor.workspaceID.rawValue) AND deleted_at IS NULL"
            ).first()
        else { return .missing }
        let ownerID: User.ID? = try row.optionalID("owner")
        guard try await AccessCheck.allows(db, actor, .read, ref.kind, owner: ownerID) else { return .missing }
        guard operation != .read else { return .allowed }
        return try await AccessCheck.allows(db, actor, operation, ref.kind, owner: ownerID) ? .allowed : .readOnly
    }

    /// Whether the record exists (live) in the actor's workspace and the actor may read it.
    static func canRead(_ db: any SQLDatabase, _ ref: RecordRef, actor: Actor) async throws -> Bool {
        try await access(db, ref, .read, actor: actor) == .allowed
    }
}
