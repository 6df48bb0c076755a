import Foundation
public import RapportCore
import SQLKit

/// Tasks and reminders. Ownership is the assignee: a task is seen by its assignee (and by whoever sees
/// the assignee's records).
public struct TaskRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "tasks t", idColumn: "t.id",
        sortColumns: ["dueAt": "t.due_key", "createdAt": "t.created_at", "updatedAt": "t.updated_at"], defaultSort: "dueAt")

    /// Creates a task (assigned to the actor unless another assignee is given).
    public func create(_ input: TaskInput, by actor: Actor) async throws -> TaskItem {
        try await context.database.transaction { db in try await create(db, input, by: actor) }
    }

    /// Creates a task inside the caller's transaction (a form submission, a missed call).
    func create(_ db: any SQLDatabase, _ input: TaskInput, by actor: Actor) async throws -> TaskItem {
        let rules = try await WorkspaceRows.recordContext(db, context: context, workspace: actor.workspaceID, entity: .task)
        let blank = TaskItem(id: context.effects.id(), workspaceID: actor.workspaceID, now: rules.now, createdBy: actor.userID)
        let task = try blank.applying(input, context: rules)
        try await checkReferences(db, task, actor: actor, operation: .create)
        try await write(db, task, expectedVersion: nil)
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: actor.userID,
            record: RecordRef(kind: .task, id: task.id.rawValue), action: .create, changes: AuditDiff.creation(task.auditSnapshot))
        return task
    }

    /// A task the actor may see.
    public func get(_ id: TaskItem.ID, by actor: Actor) async throws -> TaskItem {
        let db = context.database.reader
        guard let task = try await load(db, ids: [id.rawValue], workspace: actor.workspaceID).first,
            try await AccessCheck.allows(db, actor, .read, .task, owner: task.assigneeID)
        else { throw RecordError.notFound(.task) }
        return task
    }

    /// Updates a task if the version is current (completing is `done: true`).
    public func update(_ id: TaskItem.ID, _ input: TaskInput, expectedVersion: Int64, by actor: Actor) async throws -> TaskItem {
        try await context.database.transaction { db in
            let current = try await lockForWrite(db, id, actor: actor, operation: .update)
            return try await StoredRecords.update(db, context: context, current, expectedVersion: expectedVersion, actor: actor) {
                current, rules in
                let next = try current.applying(input, context: rules)
                try await checkReferences(db, next, actor: actor, operation: .update)
                return next
            } write: { next in
                try await write(db, next, expectedVersion: expectedVersion)
            }
        }
    }

    /// Moves a task to the trash.
    public func delete(_ id: TaskItem.ID, by actor: Actor) async throws -> TaskItem { try await setDeleted(id, true, actor) }

    /// Restores a task.
    public func restore(_ id: TaskItem.ID, by actor: Actor) async throws -> TaskItem { try await setDeleted(id, false, actor) }

    private func setDeleted(_ id: TaskItem.ID, _ deleted: Bool, _ actor: Actor) async throws -> TaskItem {
        try await context.database.transaction { db in
            let current = try await lockForWrite(db, id, actor: actor, operation: .delete, allowTrash: true)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: deleted, actor: actor)
        }
    }

    /// A page of tasks the actor may see. Filters: assignee (`ownerId`), team, done, due range, related
    /// record (contact, company or deal), kind.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<TaskItem> {
        let db = context.database.reader
        var conditions: [SQLQueryString] = [
            "t.workspace_id = \(bind: actor.workspaceID.rawValue)", query.trash ? "t.deleted_at IS NOT NULL" : "t.deleted_at IS NULL",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: .task), ownerColumn: "t.assignee_id"),
        ]
        var filters = query.filters
        filters.tag = nil
        filters.customFields = [:]
        conditions += try CommonFilters.conditions(
            filters, alias: "t", kind: .task, workspace: actor.workspaceID, dialect: context.dialect, ownerColumn: "assignee_id")
        if let done = filters.done { conditions.append(done ? "t.done_at IS NOT NULL" : "t.done_at IS NULL") }
        if let from = filters.dueFrom { conditions.append("t.due_at >= \(bind: from.millis)") }
        if let to = filters.dueTo { conditions.append("t.due_at < \(bind: to.millis)") }
        if let kind = filters.kind {
            guard let kind = TaskKind(rawValue: kind) else { throw ValidationError("kind", .invalidOption) }
            conditions.append("t.kind = \(bind: kind.rawValue)")
        }
        if let related = filters.contactID?.rawValue ?? filters.companyID?.rawValue ?? filters.dealID?.rawValue {
            conditions.append("t.related_id = \(bind: related)")
        }
        if let segment = filters.segmentID {
            conditions.append(
                try await SegmentRepository.condition(segment, reaching: .tasks, db, context: context, workspace: actor.workspaceID))
        }
        let (ids, next) = try await Self.plan.ids(db, conditions: conditions, query: query)
        return Page(items: try await load(db, ids: ids, workspace: actor.workspaceID), nextCursor: next)
    }

    private func lockForWrite(_ db: any SQLDatabase, _ id: TaskItem.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false)
        async throws -> TaskItem
    {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { try await load($0, ids: $1, workspace: $2) })
    }

    private func checkReferences(_ db: any SQLDatabase, _ task: TaskItem, actor: Actor, operation: RecordOperation) async throws {
        var (ownership, issues) = try await AccessRows.ownership(
            db, owner: task.assigneeID, workspace: actor.workspaceID, field: "assigneeId")
        if let related = task.related, try !(await RecordOwners.canRead(db, related, actor: actor)) {
            issues.append(FieldIssue("related.id", .unknownReference))
        }
        if !issues.isEmpty { throw ValidationError(issues: issues) }
        ownership.workspaceID = actor.workspaceID
        guard AccessPolicy.allows(actor, operation, .task, ownership) else { throw RecordError.forbidden }
    }

    private func write(_ db: any SQLDatabase, _ t: TaskItem, expectedVersion: Int64?) async throws {
        if let expectedVersion {
            let row = try await db.raw(
                """
                UPDATE tasks SET title = \(bind: t.title), kind = \(bind: t.kind.rawValue), due_at = \(bind: t.dueAt?.millis),
                    due_key = \(bind: Self.dueKey(t)),
                    remind_at = \(bind: t.remindAt?.millis), assignee_id = \(bind: t.assigneeID?.rawValue),
                    related_kind = \(bind: t.related?.kind.rawValue), related_id = \(bind: t.related?.id), notes = \(bind: t.notes),
                    done_at = \(bind: t.doneAt?.millis), updated_at = \(bind: t.updatedAt.millis), version = \(bind: t.version)
                WHERE id = \(bind: t.id.rawValue) AND version = \(bind: expectedVersion) RETURNING version
                """
            ).first()
            guard row != nil else { throw RecordError.versionConflict(.task, currentVersion: expectedVersion) }
        } else {
            try await db.raw(
                """
                INSERT INTO tasks (id, workspace_id, title, kind, due_at, due_key, remind_at, assignee_id, related_kind, related_id, notes,
                    done_at, created_by, created_at, updated_at, version)
                VALUES (\(bind: t.id.rawValue), \(bind: t.workspaceID.rawValue), \(bind: t.title), \(bind: t.kind.rawValue),
                    \(bind: t.dueAt?.millis), \(bind: Self.dueKey(t)), \(bind: t.remindAt?.millis), \(bind: t.assigneeID?.rawValue),
                    \(bind: t.related?.kind.rawValue), \(bind: t.related?.id), \(bind: t.notes), \(bind: t.doneAt?.millis),
                    \(bind: t.createdBy?.rawValue), \(bind: t.createdAt.millis), \(bind: t.updatedAt.millis), \(bind: t.version))
                """
            ).run()
        }
    }

    /// The due date as a sort key: undated tasks sort last (year 9999).
    static func dueKey(_ task: TaskItem) -> Int64 { task.dueAt?.millis ?? 253_402_300_799_000 }

    func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [TaskItem] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw("SELECT * FROM tasks WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))").all()
        var byID: [String: TaskItem] = [:]
        for row in rows {
            var t = TaskItem(
                id: try row.id("id"), workspaceID: workspace, now: try row.date("created_at"), createdBy: try row.optionalID("created_by"))
            t.title = try row.string("title")
            t.kind = try row.enumValue("kind")
            t.dueAt = try row.optionalDate("due_at")
            t.remindAt = try row.optionalDate("remind_at")
            t.assigneeID = try row.optionalID("assignee_id")
            if let kind: RecordKind = try row.optionalEnum("related_kind"), let id = try row.optionalString("related_id") {
                t.related = RecordRef(kind: kind, id: id)
            }
            t.notes = try row.optionalString("notes")
            t.doneAt = try row.optionalDate("done_at")
            t.updatedAt = try row.date("updated_at")
            t.version = try row.int64("version")
            t.deletedAt = try row.optionalDate("deleted_at")
            byID[t.id.rawValue] = t
        }
        return ids.compactMap { byID[$0] }
    }
}
